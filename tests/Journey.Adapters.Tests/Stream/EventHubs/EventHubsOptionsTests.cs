using Azure.Core;
using Azure.Messaging.EventHubs;
using Journey.Adapters.Stream.EventHubs;
using Microsoft.Extensions.Configuration;
using Moq;

namespace Journey.Adapters.Tests.Stream.EventHubs;

/// <summary>
/// The settings the composition root reads (<c>EventHubConnection</c>, <c>EventHubConnection__fullyQualifiedNamespace</c>,
/// <c>EventHubName</c>, section <c>EventHubs</c>), and the client they build: a connection string, or the
/// namespace with the app's credential.
/// </summary>
public sealed class EventHubsOptionsTests
{
    private const string Namespace = "myns.servicebus.windows.net";
    private const string Hub = "journey-events";
    private const string Key = "c2VjcmV0LWtleS12YWx1ZQ==";
    private const string ConnectionString = $"Endpoint=sb://{Namespace}/;SharedAccessKeyName=send;SharedAccessKey={Key};EntityPath={Hub}";
    private const string NamespaceConnectionString = $"Endpoint=sb://{Namespace}/;SharedAccessKeyName=send;SharedAccessKey={Key}";

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static string Problems(params (string Key, string Value)[] values)
    {
        var problems = EventHubsOptions.FromConfiguration(Config(values)).Validate();
        Assert.NotEmpty(problems);
        return string.Join("\n", problems);
    }

    [Fact]
    public void FromConfiguration_ConnectionString_TakesNamespaceAndHubFromIt()
    {
        var options = EventHubsOptions.FromConfiguration(Config(("EventHubConnection", ConnectionString)));

        Assert.Empty(options.Validate());
        Assert.True(options.UsesConnectionString);
        Assert.Equal(Hub, options.HubName);
        Assert.Equal(Namespace, options.ResolveNamespace());
    }

    [Fact]
    public void FromConfiguration_IdentitySettingsAsEnvironmentVariablesBecomeThem()
    {
        // EventHubConnection__fullyQualifiedNamespace in the environment is EventHubConnection:fullyQualifiedNamespace in IConfiguration.
        var options = EventHubsOptions.FromConfiguration(Config(
            ("EventHubConnection:fullyQualifiedNamespace", "MyNs.servicebus.windows.net"),
            ("EventHubName", "events")));

        Assert.Empty(options.Validate());
        Assert.False(options.UsesConnectionString);
        Assert.Equal(Namespace, options.ResolveNamespace());
        Assert.Equal("events", options.HubName);
    }

    [Theory]
    [InlineData("https://myns.servicebus.windows.net/")]
    [InlineData("sb://myns.servicebus.windows.net")]
    public void FromConfiguration_LiteralDoubleUnderscoreNames_AndUriForms_AreReadToo(string value)
    {
        var options = EventHubsOptions.FromConfiguration(Config(("EventHubConnection__fullyQualifiedNamespace", value)));

        Assert.Empty(options.Validate());
        Assert.Equal(Namespace, options.ResolveNamespace());
        Assert.Equal(EventHubsOptions.DefaultHubName, options.HubName);
    }

    [Fact]
    public void Defaults_BoundTheSendToSeconds()
    {
        var options = EventHubsOptions.FromConfiguration(Config(("EventHubConnection:fullyQualifiedNamespace", Namespace)));

        Assert.Equal(2, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(10), options.TryTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.RetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxRetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RetryAfter);
        Assert.InRange(options.WorstCaseSend, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(31));
    }

    [Fact]
    public void FromConfiguration_EventHubsSection_SetsTheTuning()
    {
        var options = EventHubsOptions.FromConfiguration(Config(
            ("EventHubConnection:fullyQualifiedNamespace", Namespace),
            ("EventHubs:MaxRetries", "4"),
            ("EventHubs:TryTimeout", "00:00:05"),
            ("EventHubs:RetryDelay", "00:00:00.5"),
            ("EventHubs:MaxRetryDelay", "00:00:03"),
            ("EventHubs:RetryAfter", "00:00:10"),
            ("EventHubs:MaxConcurrentSends", "4"),
            ("EventHubs:HealthTimeout", "00:00:01"),
            ("EventHubs:HealthCacheDuration", "00:00:30")));

        Assert.Empty(options.Validate());
        Assert.Equal(4, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(5), options.TryTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(3), options.MaxRetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RetryAfter);
        Assert.Equal(4, options.MaxConcurrentSends);
        Assert.Equal(TimeSpan.FromSeconds(1), options.HealthTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.HealthCacheDuration);
    }

    [Fact]
    public void IsConfigured_IsTrueOnlyWithAConnectionStringOrANamespace()
    {
        Assert.False(EventHubsOptions.IsConfigured(Config()));
        Assert.False(EventHubsOptions.IsConfigured(Config(("EventHubConnection", ""), ("EventHubConnection:fullyQualifiedNamespace", " "), ("EventHubName", "events"))));
        Assert.True(EventHubsOptions.IsConfigured(Config(("EventHubConnection", ConnectionString))));
        Assert.True(EventHubsOptions.IsConfigured(Config(("EventHubConnection:fullyQualifiedNamespace", Namespace))));
        Assert.True(EventHubsOptions.IsConfigured(Config(("EventHubConnection__fullyQualifiedNamespace", Namespace))));
    }

    [Fact]
    public void Validate_NothingConfigured_NamesBothConnectionSettings()
    {
        var problems = Problems();

        Assert.Contains("EventHubConnection", problems, StringComparison.Ordinal);
        Assert.Contains("EventHubConnection__fullyQualifiedNamespace", problems, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Endpoint=sb://myns.servicebus.windows.net/;SharedAccessKeyName=send")]
    [InlineData("SharedAccessKeyName=send;SharedAccessKey=abc")]
    [InlineData("just-some-text")]
    public void Validate_BadConnectionString_NamesTheSetting_NotTheKey(string connectionString)
    {
        var problems = Problems(("EventHubConnection", connectionString));

        Assert.Contains("EventHubConnection is not a valid Event Hubs connection string", problems, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", problems, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EntityPathDisagreesWithEventHubName_NamesBoth()
    {
        var problems = Problems(("EventHubConnection", ConnectionString), ("EventHubName", "other-hub"));

        Assert.Contains("EntityPath", problems, StringComparison.Ordinal);
        Assert.Contains("EventHubName", problems, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NamespaceAndConnectionStringDisagree_NamesBoth()
    {
        var problems = Problems(("EventHubConnection", ConnectionString), ("EventHubConnection:fullyQualifiedNamespace", "other.servicebus.windows.net"));

        Assert.Contains("EventHubConnection__fullyQualifiedNamespace", problems, StringComparison.Ordinal);
        Assert.Contains("different namespaces", problems, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("myns.servicebus.windows.net/hub")]
    [InlineData("myns.servicebus.windows.net:5671")]
    [InlineData("http://")]
    public void Validate_BadNamespace_NamesTheSetting(string value)
    {
        var problems = Problems(("EventHubConnection:fullyQualifiedNamespace", value));

        Assert.Contains("EventHubConnection__fullyQualifiedNamespace", problems, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MaxRetries", "11")]
    [InlineData("MaxRetries", "-1")]
    [InlineData("TryTimeout", "00:00:00")]
    [InlineData("TryTimeout", "00:10:00")]
    [InlineData("RetryDelay", "00:00:00")]
    [InlineData("MaxRetryDelay", "00:00:00.1")]
    [InlineData("RetryAfter", "00:00:00")]
    [InlineData("MaxConcurrentSends", "0")]
    [InlineData("HealthTimeout", "00:00:00")]
    [InlineData("HealthCacheDuration", "-00:00:01")]
    public void Validate_OutOfRangeTuning_NamesTheSetting(string name, string value)
    {
        var problems = Problems(("EventHubConnection:fullyQualifiedNamespace", Namespace), ($"EventHubs:{name}", value));

        Assert.Contains($"EventHubs:{name}", problems, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RetriesThatWouldHoldARequestForMinutes_AreRejected()
    {
        var problems = Problems(("EventHubConnection:fullyQualifiedNamespace", Namespace), ("EventHubs:MaxRetries", "5"), ("EventHubs:TryTimeout", "00:01:00"));

        Assert.Contains("EventHubs:TryTimeout", problems, StringComparison.Ordinal);
        Assert.Contains("EventHubs:MaxRetries", problems, StringComparison.Ordinal);
        Assert.Contains("would hold a collector request", problems, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateClient_ConnectionStringWithEntityPath_IsThatNamespaceAndHub()
    {
        var options = EventHubsOptions.FromConfiguration(Config(("EventHubConnection", ConnectionString)));

        await using var client = EventHubsProducer.CreateClient(options, credential: null);

        Assert.Equal(Namespace, client.FullyQualifiedNamespace);
        Assert.Equal(Hub, client.EventHubName);
    }

    [Fact]
    public async Task CreateClient_NamespaceConnectionString_TakesTheHubFromEventHubName()
    {
        var options = EventHubsOptions.FromConfiguration(Config(("EventHubConnection", NamespaceConnectionString), ("EventHubName", "events")));

        await using var client = EventHubsProducer.CreateClient(options, credential: null);

        Assert.Equal(Namespace, client.FullyQualifiedNamespace);
        Assert.Equal("events", client.EventHubName);
    }

    [Fact]
    public async Task CreateClient_Identity_UsesTheNamespaceAndTheGivenCredential_WithoutAskingForATokenYet()
    {
        var options = EventHubsOptions.FromConfiguration(Config(("EventHubConnection:fullyQualifiedNamespace", Namespace), ("EventHubName", "events")));
        var credential = new Mock<TokenCredential>(MockBehavior.Strict);

        await using var client = EventHubsProducer.CreateClient(options, credential.Object);

        Assert.Equal(Namespace, client.FullyQualifiedNamespace);
        Assert.Equal("events", client.EventHubName);
        credential.VerifyNoOtherCalls(); // connections and tokens are made on first send
    }

    [Fact]
    public void CreateClient_IdentityWithoutACredential_IsAnError()
    {
        var options = EventHubsOptions.FromConfiguration(Config(("EventHubConnection:fullyQualifiedNamespace", Namespace)));

        Assert.Throws<ArgumentNullException>(() => EventHubsProducer.CreateClient(options, credential: null));
    }

    [Fact]
    public void CreateClient_InvalidOptions_ListsTheProblems()
    {
        var error = Assert.Throws<ArgumentException>(() => EventHubsProducer.CreateClient(new EventHubsOptions(), credential: null));

        Assert.Contains("EventHubConnection__fullyQualifiedNamespace", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateClientOptions_AreTheBoundedExponentialRetryPolicy()
    {
        var options = new EventHubsOptions { FullyQualifiedNamespace = Namespace, MaxRetries = 3, TryTimeout = TimeSpan.FromSeconds(4), RetryDelay = TimeSpan.FromMilliseconds(300), MaxRetryDelay = TimeSpan.FromSeconds(1) };

        var retry = EventHubsProducer.CreateClientOptions(options).RetryOptions;

        Assert.Equal(EventHubsRetryMode.Exponential, retry.Mode);
        Assert.Equal(3, retry.MaximumRetries);
        Assert.Equal(TimeSpan.FromSeconds(4), retry.TryTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(300), retry.Delay);
        Assert.Equal(TimeSpan.FromSeconds(1), retry.MaximumDelay);
    }
}
