using System.Text;
using System.Text.Json;
using Journey.Adapters.Stream.EventHubs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using static Journey.Adapters.Tests.Stream.EventHubs.EventHubsTestData;

namespace Journey.Adapters.Tests.Stream.EventHubs;

/// <summary>The settings the composition root reads (<c>EventHubConnection</c>, <c>EventHubConnection__…</c>, <c>EventHubName</c>, section <c>EventHubs</c>).</summary>
public sealed class EventHubsOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static OptionsValidationException Invalid(params (string Key, string Value)[] values) =>
        Assert.Throws<OptionsValidationException>(() => EventHubsOptions.FromConfiguration(Config(values)));

    [Fact]
    public void FromConfiguration_SasConnectionString_TakesNamespaceAndHubFromIt()
    {
        var options = EventHubsOptions.FromConfiguration(Config(("EventHubConnection", ConnectionString)));

        Assert.Equal(ConnectionString, options.ConnectionString);
        Assert.Equal(Hub, options.HubName);
        Assert.Equal(Namespace, options.ResolveNamespace());
    }

    [Fact]
    public void FromConfiguration_IdentitySettingsAsEnvironmentVariablesBecomeThem_SelectManagedIdentity()
    {
        // EventHubConnection__clientId in the environment is EventHubConnection:clientId in IConfiguration.
        var options = EventHubsOptions.FromConfiguration(Config(
            ("EventHubConnection:fullyQualifiedNamespace", "MyNs.servicebus.windows.net"),
            ("EventHubConnection:clientId", "11111111-2222-3333-4444-555555555555"),
            ("EventHubConnection:credential", "managedidentity"),
            ("EventHubName", "events")));

        Assert.Null(options.ConnectionString);
        Assert.Equal("myns.servicebus.windows.net", options.ResolveNamespace());
        Assert.Equal("11111111-2222-3333-4444-555555555555", options.ManagedIdentityClientId);
        Assert.True(options.UseManagedIdentity);
        Assert.Equal("events", options.HubName);
    }

    [Fact]
    public void FromConfiguration_LiteralDoubleUnderscoreNames_AreReadToo()
    {
        var options = EventHubsOptions.FromConfiguration(Config(
            ("EventHubConnection__fullyQualifiedNamespace", "https://myns.servicebus.windows.net/"),
            ("EventHubConnection__credential", "managedidentity")));

        Assert.Equal("myns.servicebus.windows.net", options.ResolveNamespace());
        Assert.True(options.UseManagedIdentity);
        Assert.Null(options.ManagedIdentityClientId);
        Assert.Equal(EventHubsOptions.DefaultHubName, options.HubName);
    }

    [Fact]
    public void FromConfiguration_NamespaceOnly_UsesDefaultAzureCredentialAndDefaults()
    {
        var options = EventHubsOptions.FromConfiguration(Config(("EventHubConnection:fullyQualifiedNamespace", Namespace)));

        Assert.False(options.UseManagedIdentity);
        Assert.Equal("journey-events", options.HubName);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.MaxDelay);
        Assert.Equal(1_000_000, options.MaxBatchBytes);
        Assert.Equal(3, options.MaxAttempts);
    }

    [Fact]
    public void FromConfiguration_EventHubsSection_SetsTheTuning()
    {
        var options = EventHubsOptions.FromConfiguration(Config(
            ("EventHubConnection:fullyQualifiedNamespace", Namespace),
            ("EventHubs:MaxBatchBytes", "250000"),
            ("EventHubs:MaxDelay", "00:00:00.005"),
            ("EventHubs:MaxAttempts", "5"),
            ("EventHubs:Timeout", "00:00:30"),
            ("EventHubs:Endpoint", "http://127.0.0.1:10000/")));

        Assert.Equal(250_000, options.MaxBatchBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.MaxDelay);
        Assert.Equal(5, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal(new Uri("http://127.0.0.1:10000/"), options.Endpoint);
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
    public void FromConfiguration_NothingConfigured_NamesBothConnectionSettings()
    {
        var error = Invalid();

        Assert.Contains("EventHubConnection", error.Message, StringComparison.Ordinal);
        Assert.Contains("EventHubConnection__fullyQualifiedNamespace", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Endpoint=sb://myns.servicebus.windows.net/;SharedAccessKeyName=send")]
    [InlineData("SharedAccessKeyName=send;SharedAccessKey=abc")]
    [InlineData("Endpoint=not a url;SharedAccessKeyName=send;SharedAccessKey=abc")]
    [InlineData("just-some-text")]
    public void FromConfiguration_BadConnectionString_NamesTheSetting(string connectionString)
    {
        var error = Invalid(("EventHubConnection", connectionString));

        Assert.Contains("EventHubConnection is not a valid Event Hubs connection string", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_EntityPathDisagreesWithEventHubName_NamesBoth()
    {
        var error = Invalid(("EventHubConnection", ConnectionString), ("EventHubName", "other-hub"));

        Assert.Contains("EntityPath", error.Message, StringComparison.Ordinal);
        Assert.Contains("EventHubName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_MaxDelayOver20Milliseconds_IsRejected()
    {
        var error = Invalid(("EventHubConnection:fullyQualifiedNamespace", Namespace), ("EventHubs:MaxDelay", "00:00:00.050"));

        Assert.Contains("EventHubs:MaxDelay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_UnknownCredentialKind_NamesTheSetting()
    {
        var error = Invalid(("EventHubConnection:fullyQualifiedNamespace", Namespace), ("EventHubConnection:credential", "clientsecret"));

        Assert.Contains("EventHubConnection__credential", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("myns.servicebus.windows.net/hub")]
    [InlineData("http://")]
    public void FromConfiguration_BadNamespace_NamesTheSetting(string value)
    {
        var error = Invalid(("EventHubConnection:fullyQualifiedNamespace", value));

        Assert.Contains("EventHubConnection__fullyQualifiedNamespace", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MaxBatchBytes", "2000000")]
    [InlineData("MaxAttempts", "0")]
    [InlineData("Timeout", "00:00:00")]
    [InlineData("MaxConcurrentRequests", "0")]
    public void FromConfiguration_OutOfRangeTuning_NamesTheSetting(string name, string value)
    {
        var error = Invalid(("EventHubConnection:fullyQualifiedNamespace", Namespace), ($"EventHubs:{name}", value));

        Assert.Contains($"EventHubs:{name}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.Throws<OptionsValidationException>(() => Open(new EventHubsOptions()));
    }

    [Fact]
    public void ConnectionString_ToString_HidesTheKey()
    {
        Assert.True(EventHubsConnectionString.TryParse(ConnectionString, out var parsed, out _));

        Assert.DoesNotContain(Key, parsed.ToString(), StringComparison.Ordinal);
        Assert.Equal(Key, parsed.Key);
        Assert.Equal(Hub, parsed.EntityPath);
    }

    [Fact]
    public void Sign_MatchesAnIndependentlyComputedToken()
    {
        // Computed with Python: quote_plus(uri), hmac.new(key, f"{sr}\n{se}", sha256), base64, quote_plus.
        var token = SharedAccessKeyAuthorization.Sign($"https://{Namespace}/{Hub}", KeyName, Key, DateTimeOffset.FromUnixTimeSeconds(1700000000));

        Assert.Equal(
            "SharedAccessSignature sr=https%3A%2F%2Fmyns.servicebus.windows.net%2Fjourney-events&sig=d1eNzdTIItSJhU7pLXUc%2FHEfMs4Oyfup1SX8iNt1I70%3D&se=1700000000&skn=send",
            token);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("quote \" backslash \\ slash /")]
    [InlineData("tab\tnewline\ncontrol\u0001")]
    [InlineData("é ü ß 中文 😀")]
    public void WriteEscaped_IsAsciiJsonThatReadsBackTheSameText(string text)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        EventHubsBatchFormat.WriteEscaped(output, Encoding.UTF8.GetBytes(text));
        var json = "\"" + Encoding.ASCII.GetString(output.WrittenSpan) + "\"";

        Assert.All(output.WrittenSpan.ToArray(), b => Assert.InRange(b, (byte)0x20, (byte)0x7E));
        Assert.Equal(text, JsonSerializer.Deserialize<string>(json));
    }
}
