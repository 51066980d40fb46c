using Azure.Core;
using Journey.Adapters.Actions.EventHubs;
using Journey.Adapters.Stream.EventHubs;
using Journey.Domain.Actions;
using Microsoft.Extensions.Configuration;
using Moq;

namespace Journey.Adapters.Tests.Actions.EventHubs;

/// <summary>The settings of the Event Hub destination (section <c>Actions:EventHub</c>) and the client they build.</summary>
public sealed class EventHubActionOptionsTests
{
    private const string Namespace = "myns.servicebus.windows.net";
    private const string Key = "c2VjcmV0LWtleS12YWx1ZQ==";
    private const string NamespaceConnectionString = $"Endpoint=sb://{Namespace}/;SharedAccessKeyName=send;SharedAccessKey={Key}";

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value))).Build();

    [Fact]
    public void Without_a_connection_it_is_off_and_there_is_nothing_to_check()
    {
        // The stream's own Event Hubs settings do not turn the actions' hub on.
        var configuration = Config(("EventHubConnection__fullyQualifiedNamespace", Namespace), (EventHubActionOptions.NameSetting, "other"));
        var options = EventHubActionOptions.FromConfiguration(configuration);

        Assert.False(EventHubActionOptions.IsConfiguredIn(configuration));
        Assert.False(options.IsConfigured);
        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData(EventHubActionOptions.NamespaceSetting, Namespace)]
    [InlineData(EventHubActionOptions.ConnectionStringSetting, NamespaceConnectionString)]
    public void A_namespace_or_a_connection_string_turns_it_on_with_the_default_hub(string setting, string value)
    {
        var configuration = Config((setting, value));
        var options = EventHubActionOptions.FromConfiguration(configuration);

        Assert.True(EventHubActionOptions.IsConfiguredIn(configuration));
        Assert.Empty(options.Validate());
        Assert.Equal("journey-actions", options.Name);
        Assert.Equal(Namespace, options.ToProducerOptions().ResolveNamespace());
    }

    [Fact]
    public void The_settings_bind_the_name_and_the_type_filter()
    {
        var options = EventHubActionOptions.FromConfiguration(Config(
            (EventHubActionOptions.NamespaceSetting, Namespace),
            (EventHubActionOptions.NameSetting, "crm-actions"),
            (EventHubActionOptions.TypesSetting + "__0", ActionTypes.CartAbandoned),
            (EventHubActionOptions.TypesSetting + "__1", ActionTypes.OrderRefunded)));

        Assert.Empty(options.Validate());
        Assert.Equal("crm-actions", options.Name);
        Assert.Equal([ActionTypes.CartAbandoned, ActionTypes.OrderRefunded], options.Types);
    }

    [Fact]
    public void Each_problem_names_its_setting_and_no_key_is_shown()
    {
        var badNamespace = new EventHubActionOptions { FullyQualifiedNamespace = "https://myns.servicebus.windows.net/path" }.Validate();
        var badConnection = new EventHubActionOptions { ConnectionString = $"SharedAccessKeyName=send;SharedAccessKey={Key}" }.Validate();
        var otherHub = new EventHubActionOptions { ConnectionString = NamespaceConnectionString + ";EntityPath=journey-events" }.Validate();
        var otherNamespace = new EventHubActionOptions { ConnectionString = NamespaceConnectionString, FullyQualifiedNamespace = "other.servicebus.windows.net" }.Validate();
        var badName = new EventHubActionOptions { FullyQualifiedNamespace = Namespace, Name = "journey actions" }.Validate();
        var badType = new EventHubActionOptions { FullyQualifiedNamespace = Namespace, Types = [ActionTypes.WinBack, "order.shipped"] }.Validate();
        var typesAlone = new EventHubActionOptions { Types = [ActionTypes.WinBack] }.Validate();

        Assert.Contains(EventHubActionOptions.NamespaceSetting, Assert.Single(badNamespace), StringComparison.Ordinal);
        Assert.Contains(EventHubActionOptions.ConnectionStringSetting, Assert.Single(badConnection), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, Assert.Single(badConnection), StringComparison.Ordinal);
        Assert.Contains($"names the event hub 'journey-events' (EntityPath) but {EventHubActionOptions.NameSetting} is 'journey-actions'", Assert.Single(otherHub), StringComparison.Ordinal);
        Assert.Contains("name different namespaces", Assert.Single(otherNamespace), StringComparison.Ordinal);
        Assert.Contains(EventHubActionOptions.NameSetting, Assert.Single(badName), StringComparison.Ordinal);
        Assert.Contains($"{EventHubActionOptions.TypesSetting}__1 'order.shipped' is not an action type", Assert.Single(badType), StringComparison.Ordinal);
        Assert.Contains($"{EventHubActionOptions.TypesSetting} is set but neither", Assert.Single(typesAlone), StringComparison.Ordinal);
    }

    [Fact]
    public void The_producer_options_are_the_streams_bounded_retries_and_fit_within_the_dispatchers_delivery_timeout()
    {
        var producer = new EventHubActionOptions { FullyQualifiedNamespace = Namespace }.ToProducerOptions();
        var stream = new EventHubsOptions();

        Assert.Empty(producer.Validate());
        Assert.Equal("journey-actions", producer.HubName);
        Assert.Equal(stream.MaxRetries, producer.MaxRetries);
        Assert.Equal(stream.RetryDelay, producer.RetryDelay);
        Assert.Equal(stream.MaxRetryDelay, producer.MaxRetryDelay);
        Assert.Equal(EventHubActionOptions.TryTimeout, producer.TryTimeout);
        Assert.True(producer.WorstCaseSend < new ActionsOptions().DeliveryTimeout, $"{producer.WorstCaseSend} is not within {new ActionsOptions().DeliveryTimeout}");
    }

    [Fact]
    public async Task The_client_with_a_connection_string_is_that_namespace_and_the_hub_named_by_the_setting()
    {
        var options = new EventHubActionOptions { ConnectionString = NamespaceConnectionString, Name = "crm-actions" };

        await using var client = EventHubActionDestination.CreateClient(options, credential: null);

        Assert.Equal(Namespace, client.FullyQualifiedNamespace);
        Assert.Equal("crm-actions", client.EventHubName);
        Assert.StartsWith("journey-actions-", client.Identifier, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_by_identity_uses_the_namespace_and_the_given_credential_without_asking_for_a_token_yet()
    {
        var credential = new Mock<TokenCredential>(MockBehavior.Strict);

        await using var client = EventHubActionDestination.CreateClient(new EventHubActionOptions { FullyQualifiedNamespace = "sb://MyNs.servicebus.windows.net/" }, credential.Object);

        Assert.Equal(Namespace, client.FullyQualifiedNamespace);
        Assert.Equal("journey-actions", client.EventHubName);
        credential.VerifyNoOtherCalls();
        Assert.Throws<ArgumentNullException>(() => EventHubActionDestination.CreateClient(new EventHubActionOptions { FullyQualifiedNamespace = Namespace }, credential: null));
    }

    [Fact]
    public void The_client_of_invalid_settings_is_refused_with_every_problem()
    {
        var error = Assert.Throws<ArgumentException>(() => EventHubActionDestination.CreateClient(
            new EventHubActionOptions { FullyQualifiedNamespace = "not a host", Types = ["nope"] }, credential: null));

        Assert.Contains(EventHubActionOptions.NamespaceSetting, error.Message, StringComparison.Ordinal);
        Assert.Contains(EventHubActionOptions.TypesSetting + "__0", error.Message, StringComparison.Ordinal);
    }
}
