using Journey.Adapters.Store.Cosmos;
using Journey.Adapters.Tests.Support;
using Journey.Testing.Store;
using Microsoft.Azure.Cosmos;

namespace Journey.Adapters.Tests.Store.Cosmos;

/// <summary>Erasure, export and suppression on Cosmos DB (the test server), in a database of its own; the scan reads every item of every container.</summary>
[Collection(CosmosTestServerCollection.Name)]
public sealed class CosmosErasureTests(CosmosTestServer server) : ErasureContract
{
    private CosmosJourneyStore? _store;

    protected override async Task<Stores> CreateStoresAsync()
    {
        var store = server.CreateStore(server.Options("erasure-" + Guid.NewGuid().ToString("N")));
        await store.InitializeAsync(CancellationToken.None);
        _store = store;
        return new Stores(store, store, store, store, store, store, store, store, store, store);
    }

    protected override async Task<IReadOnlyList<(string Container, string Text)>> ScanAsync()
    {
        var store = _store!;
        var items = new List<(string, string)>();
        foreach (var definition in CosmosContainers.All)
        {
            var container = store.GetContainer(definition);
            using var iterator = container.GetItemQueryStreamIterator(new QueryDefinition("SELECT * FROM c"), null, new QueryRequestOptions { EnableOptimisticDirectExecution = true });
            while (iterator.HasMoreResults)
            {
                using var page = await iterator.ReadNextAsync();
                Assert.True(page.IsSuccessStatusCode, $"{definition.Name}: {page.StatusCode}");
                using var json = await System.Text.Json.JsonDocument.ParseAsync(page.Content);
                foreach (var item in json.RootElement.GetProperty("Documents").EnumerateArray()) items.Add((definition.Name, item.GetRawText()));
            }
        }
        return items;
    }

    protected override async Task DisposeStoresAsync()
    {
        if (_store is not null) await _store.Client.GetDatabase(_store.Options.DatabaseName).DeleteStreamAsync();
    }
}
