using Journey.Adapters.Store.Cosmos;
using Journey.Adapters.Tests.Support;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;

namespace Journey.Adapters.Tests.Store.Cosmos;

/// <summary>Options, settings, container definitions and client options: no server needed.</summary>
public sealed class CosmosStoreOptionsTests
{
    private const string RealEndpoint = "https://journey-abc.documents.azure.com:443/";
    private static readonly string EmulatorConnection = $"AccountEndpoint=https://localhost:8081/;AccountKey={CosmosTestServer.EmulatorKey};";

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Setting_names_are_those_of_the_Functions_identity_connections()
    {
        Assert.Equal("Cosmos", CosmosStoreOptions.SectionName);
        Assert.Equal("CosmosConnection", CosmosStoreOptions.ConnectionStringSetting);
        Assert.Equal("CosmosConnection__accountEndpoint", CosmosStoreOptions.AccountEndpointSetting);
        Assert.Equal("CosmosConnection__clientId", CosmosStoreOptions.ClientIdSetting);
    }

    [Fact]
    public void Containers_have_exactly_the_names_and_partition_keys_of_the_product()
    {
        Assert.Equal(
            [("customers", "/id"), ("transitions", "/customerId"), ("metrics", "/kind"), ("painpoints", "/period"), ("feedback", "/period"), ("actions", "/customerId"), ("suppressions", "/id"), ("deadletter", "/day")],
            CosmosContainers.All.Select(c => (c.Name, c.PartitionKeyPath)));
        var options = new CosmosStoreOptions();
        Assert.Equal("journey", options.DatabaseName);
        Assert.Equal(CosmosContainers.All.Select(c => c.Name), options.Containers.Select(c => c.Name));
    }

    [Fact]
    public void Indexing_leaves_out_large_arrays_and_the_processor_state()
    {
        Assert.Contains("/journey/*", CosmosContainers.Customers.ExcludedPaths);
        Assert.Contains("/orders/history/*", CosmosContainers.Customers.ExcludedPaths);
        Assert.Contains("/activeDays/*", CosmosContainers.Customers.ExcludedPaths);
        Assert.Contains("/traits/*", CosmosContainers.Customers.ExcludedPaths);
        Assert.Contains("/pendingMerge/*", CosmosContainers.Customers.ExcludedPaths);
        Assert.DoesNotContain("/counters/*", CosmosContainers.Customers.ExcludedPaths);
        Assert.Contains("/microConversions/*", CosmosContainers.Transitions.ExcludedPaths);
        Assert.Contains("/rawPayload/?", CosmosContainers.DeadLetter.ExcludedPaths);
        // Cosmos DB requires the root path in either list.
        Assert.All(CosmosContainers.All, c => Assert.True(c.IncludedPaths.Contains("/*") ^ c.ExcludedPaths.Contains("/*"), c.Name));
    }

    [Fact]
    public void A_definition_becomes_the_SDK_container_properties()
    {
        var properties = CosmosContainers.Customers.ToContainerProperties("customers-b");

        Assert.Equal("customers-b", properties.Id);
        Assert.Equal("/id", properties.PartitionKeyPath);
        Assert.Equal(IndexingMode.Consistent, properties.IndexingPolicy.IndexingMode);
        Assert.Equal(CosmosContainers.Customers.ExcludedPaths, properties.IndexingPolicy.ExcludedPaths.Select(p => p.Path));
    }

    [Fact]
    public void FromConfiguration_reads_the_connection_string_setting_and_the_section()
    {
        var options = CosmosStoreOptions.FromConfiguration(Configuration(
            ("CosmosConnection", EmulatorConnection),
            ("Cosmos:DatabaseName", "shop"),
            ("Cosmos:CustomersContainer", "people"),
            ("Cosmos:ScanPageSize", "100")));

        Assert.Equal(EmulatorConnection, options.ConnectionString);
        Assert.Null(options.AccountEndpoint);
        Assert.Equal("shop", options.DatabaseName);
        Assert.Equal("people", options.CustomersContainer);
        Assert.Equal(100, options.ScanPageSize);
        Assert.Empty(options.Validate());
        Assert.Equal(new Uri("https://localhost:8081/"), options.Endpoint);
    }

    [Fact]
    public void FromConfiguration_reads_the_identity_settings_as_configuration_sees_them()
    {
        // CosmosConnection__accountEndpoint as an environment variable is CosmosConnection:accountEndpoint in configuration.
        var options = CosmosStoreOptions.FromConfiguration(Configuration(
            ("CosmosConnection:accountEndpoint", RealEndpoint),
            ("CosmosConnection:clientId", "00000000-1111-2222-3333-444444444444")));

        Assert.Null(options.ConnectionString);
        Assert.Equal(RealEndpoint, options.AccountEndpoint);
        Assert.Equal("00000000-1111-2222-3333-444444444444", options.ManagedIdentityClientId);
        Assert.True(options.IsConfigured);
        Assert.Empty(options.Validate());
        Assert.True(CosmosStoreOptions.IsConfiguredIn(Configuration(("CosmosConnection:accountEndpoint", RealEndpoint))));
        Assert.False(CosmosStoreOptions.IsConfiguredIn(Configuration()));
    }

    [Fact]
    public void Validate_names_the_settings_when_the_connection_is_missing_or_doubled()
    {
        Assert.Contains(new CosmosStoreOptions().Validate(), e => e.Contains("CosmosConnection", StringComparison.Ordinal) && e.Contains("CosmosConnection__accountEndpoint", StringComparison.Ordinal));
        Assert.Contains(new CosmosStoreOptions { ConnectionString = EmulatorConnection, AccountEndpoint = RealEndpoint }.Validate(), e => e.Contains("not both", StringComparison.Ordinal));
        Assert.Contains(new CosmosStoreOptions { ConnectionString = "Server=x;Database=y" }.Validate(), e => e.Contains("AccountKey", StringComparison.Ordinal));
        Assert.Contains(new CosmosStoreOptions { AccountEndpoint = "journey.documents.azure.com" }.Validate(), e => e.Contains("https", StringComparison.Ordinal));
        Assert.Contains(new CosmosStoreOptions { ConnectionString = EmulatorConnection, ManagedIdentityClientId = "x" }.Validate(), e => e.Contains("CosmosConnection__clientId", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_checks_names_and_tuning()
    {
        var options = new CosmosStoreOptions
        {
            ConnectionString = EmulatorConnection,
            DatabaseName = "",
            TransitionsContainer = "customers",
            DeadLetterContainer = "dead/letter",
            ScanPageSize = 0,
            MaxParallelWrites = 0,
            DatabaseThroughput = 100,
        };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.Contains("DatabaseName", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'customers' is used twice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'dead/letter'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("ScanPageSize", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MaxParallelWrites", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("DatabaseThroughput", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://localhost:8081/", true)]
    [InlineData("https://127.0.0.1:3000/", true)]
    [InlineData("https://[::1]:8081/", true)]
    [InlineData(RealEndpoint, false)]
    public void Loopback_endpoints_are_recognised(string endpoint, bool loopback)
    {
        Assert.Equal(loopback, new CosmosStoreOptions { AccountEndpoint = endpoint }.IsLoopback);
    }

    [Fact]
    public void A_real_account_is_reached_in_Direct_mode_with_normal_certificate_validation()
    {
        var clientOptions = CosmosJourneyStore.CreateClientOptions(new CosmosStoreOptions { AccountEndpoint = RealEndpoint });

        Assert.Equal(ConnectionMode.Direct, clientOptions.ConnectionMode);
        Assert.False(clientOptions.LimitToEndpoint);
        Assert.Null(clientOptions.HttpClientFactory);
        Assert.Null(clientOptions.ServerCertificateCustomValidationCallback);
        Assert.False(clientOptions.EnableContentResponseOnWrite);
        Assert.IsType<CosmosJourneySerializer>(clientOptions.Serializer);
        Assert.Equal(9, clientOptions.MaxRetryAttemptsOnRateLimitedRequests);
        Assert.Equal(TimeSpan.FromSeconds(30), clientOptions.MaxRetryWaitTimeOnRateLimitedRequests);

        var gateway = CosmosJourneyStore.CreateClientOptions(new CosmosStoreOptions { AccountEndpoint = RealEndpoint, GatewayMode = true });
        Assert.Equal(ConnectionMode.Gateway, gateway.ConnectionMode);
        Assert.False(gateway.LimitToEndpoint);
    }

    [Fact]
    public void A_loopback_endpoint_is_reached_in_Gateway_mode_limited_to_it()
    {
        var clientOptions = CosmosJourneyStore.CreateClientOptions(new CosmosStoreOptions { ConnectionString = EmulatorConnection });

        Assert.Equal(ConnectionMode.Gateway, clientOptions.ConnectionMode);
        Assert.True(clientOptions.LimitToEndpoint);
        Assert.Null(clientOptions.HttpClientFactory);
        Assert.Null(clientOptions.ServerCertificateCustomValidationCallback);

        var direct = CosmosJourneyStore.CreateClientOptions(new CosmosStoreOptions { ConnectionString = EmulatorConnection, GatewayModeForLoopback = false });
        Assert.Equal(ConnectionMode.Direct, direct.ConnectionMode);
    }

    [Fact]
    public void CreateClient_uses_the_account_endpoint_with_a_managed_identity_or_the_default_credential()
    {
        using var withIdentity = CosmosJourneyStore.CreateClient(new CosmosStoreOptions { AccountEndpoint = RealEndpoint, ManagedIdentityClientId = "00000000-1111-2222-3333-444444444444" });
        using var withDefault = CosmosJourneyStore.CreateClient(new CosmosStoreOptions { AccountEndpoint = RealEndpoint });
        using var withKey = CosmosJourneyStore.CreateClient(new CosmosStoreOptions { ConnectionString = EmulatorConnection });

        Assert.Equal(new Uri(RealEndpoint), withIdentity.Endpoint);
        Assert.Equal(new Uri(RealEndpoint), withDefault.Endpoint);
        Assert.Equal(new Uri("https://localhost:8081/"), withKey.Endpoint);
        Assert.Throws<ArgumentException>(() => CosmosJourneyStore.CreateClient(new CosmosStoreOptions()));
    }

    [Fact]
    public void The_serializer_writes_Journey_documents_like_JourneyJson()
    {
        var serializer = new CosmosJourneySerializer();
        var customer = Journey.Testing.Store.StoreTestData.Customer("c-1");

        using var stream = serializer.ToStream(customer);
        using var reader = new StreamReader(stream);

        Assert.Equal(Journey.Domain.Serialization.JourneyJson.Serialize(customer), reader.ReadToEnd());
        Assert.Equal("x", serializer.FromStream<string>(new MemoryStream("\"x\""u8.ToArray())));
    }
}
