using Journey.Testing.Store;
using Journey.Adapters.Tests.Support;
using Journey.Domain.Ports;

namespace Journey.Adapters.Tests.Store.Cosmos;

// The store contracts, run against the Cosmos DB store on the test server (one shared database:
// the contracts use ids unique to each test).

[Collection(CosmosTestServerCollection.Name)]
public sealed class CosmosCustomerStoreTests(CosmosTestServer server) : CustomerStoreContract
{
    protected override async Task<ICustomerStore> CreateStoreAsync() => await server.GetSharedStoreAsync();
}

[Collection(CosmosTestServerCollection.Name)]
public sealed class CosmosTransitionStoreTests(CosmosTestServer server) : TransitionStoreContract
{
    protected override async Task<ITransitionStore> CreateStoreAsync() => await server.GetSharedStoreAsync();
}

[Collection(CosmosTestServerCollection.Name)]
public sealed class CosmosDeadLetterStoreTests(CosmosTestServer server) : DeadLetterStoreContract
{
    protected override async Task<IDeadLetterStore> CreateStoreAsync() => await server.GetSharedStoreAsync();
}

[Collection(CosmosTestServerCollection.Name)]
public sealed class CosmosStoreHealthTests(CosmosTestServer server) : StoreHealthContract
{
    protected override async Task<IStoreHealth> CreateHealthAsync() => await server.GetSharedStoreAsync();
}

[Collection(CosmosTestServerCollection.Name)]
public sealed class CosmosMetricsStoreTests(CosmosTestServer server) : MetricsStoreContract
{
    protected override async Task<IMetricsStore> CreateStoreAsync() => await server.GetSharedStoreAsync();
}

[Collection(CosmosTestServerCollection.Name)]
public sealed class CosmosPredictionStoreTests(CosmosTestServer server) : PredictionStoreContract
{
    protected override async Task<(ICustomerStore Customers, IPredictionStore Predictions)> CreateStoreAsync()
    {
        var store = await server.GetSharedStoreAsync();
        return (store, store);
    }
}

[Collection(CosmosTestServerCollection.Name)]
public sealed class CosmosFeedbackStoreTests(CosmosTestServer server) : FeedbackStoreContract
{
    protected override async Task<IFeedbackStore> CreateStoreAsync() => await server.GetSharedStoreAsync();

    [Fact]
    public async Task An_item_whose_id_Cosmos_DB_cannot_hold_is_rejected_and_nothing_of_the_call_is_stored()
    {
        var customer = StoreTestData.NewId();
        var good = Item(customer, StoreTestData.NewId("m"));
        var bad = Item(customer, "m/" + StoreTestData.NewId("m"));

        await Assert.ThrowsAsync<DocumentRejectedException>(() => Store.AddAsync([good, bad], CancellationToken.None));

        await foreach (var item in Store.ListAsync(good.Time.AddDays(-1), good.Time.AddDays(1), CancellationToken.None))
            Assert.NotEqual(customer, item.CustomerId);
    }
}

[Collection(CosmosTestServerCollection.Name)]
public sealed class CosmosActionStoreTests(CosmosTestServer server) : ActionStoreContract
{
    protected override async Task<IActionStore> CreateStoreAsync() => await server.GetSharedStoreAsync();
}

[Collection(CosmosTestServerCollection.Name)]
public sealed class CosmosPainPointStoreTests(CosmosTestServer server) : PainPointStoreContract
{
    protected override async Task<IPainPointStore> CreateStoreAsync() => await server.GetSharedStoreAsync();
}

[Collection(CosmosTestServerCollection.Name)]
public sealed class CosmosDocumentScansTests(CosmosTestServer server) : DocumentScansContract
{
    protected override async Task<ScanPorts> CreateStoreAsync() => ScanPorts.Of(await server.GetSharedStoreAsync());
}
