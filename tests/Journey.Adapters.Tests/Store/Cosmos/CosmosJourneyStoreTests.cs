using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Journey.Adapters.Store.Cosmos;
using Journey.Testing.Store;
using Journey.Adapters.Tests.Support;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Tests.Store.Cosmos;

/// <summary>What the Cosmos DB store does beyond the contracts: set-up, request charges, error mapping.</summary>
[Collection(CosmosTestServerCollection.Name)]
public sealed class CosmosJourneyStoreTests(CosmosTestServer server)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static string NewDatabase() => StoreTestData.NewId("db");

    [Fact]
    public async Task InitializeAsync_creates_every_container_with_its_partition_key_and_indexing_policy()
    {
        var options = server.Options(NewDatabase());
        var store = server.CreateStore(options);

        await store.InitializeAsync(Ct);

        foreach (var definition in CosmosContainers.All)
        {
            var properties = (await store.Client.GetContainer(options.DatabaseName, definition.Name).ReadContainerAsync(cancellationToken: Ct)).Resource;
            Assert.Equal(definition.PartitionKeyPath, properties.PartitionKeyPath);
            Assert.Equal(IndexingMode.Consistent, properties.IndexingPolicy.IndexingMode);
            Assert.Equal(definition.IncludedPaths, properties.IndexingPolicy.IncludedPaths.Select(p => p.Path));
            Assert.Equal(definition.ExcludedPaths, properties.IndexingPolicy.ExcludedPaths.Select(p => p.Path));
        }
    }

    [Fact]
    public async Task InitializeAsync_twice_is_fine_and_keeps_the_documents()
    {
        var options = server.Options(NewDatabase());
        var store = server.CreateStore(options);
        await store.InitializeAsync(Ct);
        var id = StoreTestData.NewId();
        var etag = await store.CreateAsync(StoreTestData.Customer(id), Ct);

        await store.InitializeAsync(Ct);
        await server.CreateStore(options).InitializeAsync(Ct);

        Assert.Equal(etag, (await store.GetAsync(id, Ct))!.ETag);
    }

    [Fact]
    public async Task InitializeAsync_refuses_a_container_partitioned_by_another_path()
    {
        var options = server.Options(NewDatabase());
        var client = server.CreateClient(options);
        var database = (await client.CreateDatabaseAsync(options.DatabaseName, cancellationToken: Ct)).Database;
        await database.CreateContainerAsync(new ContainerProperties(CosmosContainers.Transitions.Name, "/id"), cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.CreateStore(options).InitializeAsync(Ct));

        Assert.Contains("'transitions' is partitioned by '/id'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'/customerId'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitializeAsync_without_CreateIfMissing_names_what_is_missing()
    {
        var options = server.Options(NewDatabase(), o => o.CreateIfMissing = false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.CreateStore(options).InitializeAsync(Ct));

        Assert.Contains($"database '{options.DatabaseName}' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Documents_are_stored_exactly_as_JourneyJson_writes_them()
    {
        var store = await server.GetSharedStoreAsync();
        var customer = StoreTestData.PopulatedCustomer(StoreTestData.NewId());
        var transition = StoreTestData.Transition(customer.Id, Stage.Awareness, Stage.Conversion, StoreTestData.T0);
        var deadLetter = StoreTestData.DeadLetter(StoreTestData.NewId("p"), 3, "2026-03-02");

        await store.CreateAsync(customer, Ct);
        await store.UpsertAsync([transition], Ct);
        await store.AddAsync(deadLetter, Ct);

        await AssertStoredAsync(store.GetContainer(CosmosContainers.Customers), customer.Id, customer.Id, JourneyJson.Serialize(customer));
        await AssertStoredAsync(store.GetContainer(CosmosContainers.Transitions), transition.Id, transition.CustomerId, JourneyJson.Serialize(transition));
        await AssertStoredAsync(store.GetContainer(CosmosContainers.DeadLetter), deadLetter.Id, deadLetter.Day, JourneyJson.Serialize(deadLetter));
    }

    private static async Task AssertStoredAsync(Container container, string id, string partitionKey, string expectedJson)
    {
        using var response = await container.ReadItemStreamAsync(id, new PartitionKey(partitionKey), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await JsonNode.ParseAsync(response.Content, cancellationToken: Ct))!.AsObject();
        foreach (var system in new[] { "_rid", "_self", "_etag", "_attachments", "_ts" }) stored.Remove(system);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedJson), stored), $"{container.Id}/{id} is stored as {stored.ToJsonString()}");
    }

    [Fact]
    public async Task Request_charges_are_summed_by_the_store_and_by_scope()
    {
        var meter = new RequestChargeMeter();
        var store = server.CreateStore(server.Options(), meter);
        var id = StoreTestData.NewId();
        var etag = await store.CreateAsync(StoreTestData.Customer(id), Ct);
        var afterCreate = meter.Snapshot();

        RequestChargeSnapshot batch;
        using (var scope = meter.BeginScope())
        {
            var stored = await store.GetAsync(id, Ct);
            await store.ReplaceAsync(stored!.Document, etag, Ct);
            await store.UpsertAsync([StoreTestData.Transition(id, Stage.None, Stage.Awareness, StoreTestData.T0)], Ct);
            batch = scope.Snapshot();
        }
        await store.GetAsync(id, Ct); // after the scope: counted by the store only

        Assert.True(afterCreate.RequestCharge > 0, "a write is charged");
        Assert.Equal(1, afterCreate.Operations);
        Assert.Equal(3, batch.Operations);
        Assert.True(batch.RequestCharge > 0);
        Assert.Equal(store.TotalRequestCharge, meter.TotalRequestCharge);
        var total = meter.SnapshotAndReset();
        Assert.Equal(5, total.Operations);
        Assert.True(total.RequestCharge > afterCreate.RequestCharge + batch.RequestCharge);
        Assert.Equal(new RequestChargeSnapshot(0, 0), meter.Snapshot());
    }

    [Fact]
    public async Task Scopes_of_batches_running_in_parallel_count_their_own_operations()
    {
        var meter = new RequestChargeMeter();
        var store = server.CreateStore(server.Options(), meter);

        var counts = await Task.WhenAll(Enumerable.Range(1, 4).Select(n => Task.Run(async () =>
        {
            using var scope = meter.BeginScope();
            for (var i = 0; i < n; i++) await store.CreateAsync(StoreTestData.Customer(StoreTestData.NewId()), Ct);
            return scope.Operations;
        })));

        Assert.Equal([1L, 2L, 3L, 4L], counts);
        Assert.Equal(10, meter.Operations);
    }

    [Fact]
    public async Task Every_operation_logs_its_request_charge_at_debug_level()
    {
        var logger = new ListLogger();
        var options = server.Options();
        using var store = new CosmosJourneyStore(server.CreateClient(options), options, logger);
        var id = StoreTestData.NewId();

        await store.CreateAsync(StoreTestData.Customer(id), Ct);

        var entry = Assert.Single(logger.Entries, e => e.Level == LogLevel.Debug && Equals(e.State["Operation"], "Create"));
        Assert.Equal("{Operation} {Container} {Id} cost {RequestCharge} RU", entry.State["{OriginalFormat}"]);
        Assert.Equal("customers", entry.State["Container"]);
        Assert.Equal(id, entry.State["Id"]);
        Assert.True((double)entry.State["RequestCharge"]! > 0);
    }

    [Fact]
    public async Task A_412_on_a_concurrent_replace_becomes_a_ConcurrencyConflictException()
    {
        var store = await server.GetSharedStoreAsync();
        var id = StoreTestData.NewId();
        await store.CreateAsync(StoreTestData.Customer(id, Stage.Awareness), Ct);
        var first = await store.GetAsync(id, Ct);
        var second = await store.GetAsync(id, Ct);

        await store.ReplaceAsync(StoreTestData.Customer(id, Stage.Consideration), first!.ETag, Ct);
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.ReplaceAsync(StoreTestData.Customer(id, Stage.Conversion), second!.ETag, Ct));

        Assert.Contains(id, conflict.Message, StringComparison.Ordinal);
        Assert.Equal(Stage.Consideration, (await store.GetAsync(id, Ct))!.Document.Stage);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task A_transient_answer_becomes_StoreUnavailableException_naming_the_container_and_id(HttpStatusCode status)
    {
        var id = StoreTestData.NewId();
        var store = server.CreateStore(server.Options(), fault: request => IsDocumentRequest(request, id) ? Answer(status) : null);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync(id, Ct));

        Assert.Contains($"customers/{id}", error.Message, StringComparison.Ordinal);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_is_retried_by_the_SDK_and_becomes_StoreUnavailableException_when_it_persists()
    {
        var id = StoreTestData.NewId();
        var attempts = 0;
        var options = server.Options(configure: o => o.MaxRetryAttemptsOnRateLimitedRequests = 2);
        var store = server.CreateStore(options, fault: request =>
        {
            if (!IsDocumentRequest(request, id)) return null;
            Interlocked.Increment(ref attempts);
            var throttled = Answer(HttpStatusCode.TooManyRequests);
            throttled.Headers.TryAddWithoutValidation("x-ms-retry-after-ms", "5");
            return throttled;
        });

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync(id, Ct));

        Assert.Contains("429", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_429_that_clears_within_the_retries_is_invisible()
    {
        var id = StoreTestData.NewId();
        var attempts = 0;
        var store = server.CreateStore(server.Options(), fault: request =>
        {
            if (!IsDocumentRequest(request, id) || Interlocked.Increment(ref attempts) > 1) return null;
            var throttled = Answer(HttpStatusCode.TooManyRequests);
            throttled.Headers.TryAddWithoutValidation("x-ms-retry-after-ms", "5");
            return throttled;
        });

        Assert.Null(await store.GetAsync(id, Ct));
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task A_connection_failure_becomes_StoreUnavailableException()
    {
        var id = StoreTestData.NewId();
        var store = server.CreateStore(server.Options(), fault: request =>
            IsDocumentRequest(request, id) ? throw new HttpRequestException("Connection refused (simulated)") : null);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CreateAsync(StoreTestData.Customer(id), Ct));

        Assert.Contains("customers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_that_times_out_becomes_StoreUnavailableException()
    {
        var id = StoreTestData.NewId();
        var store = server.CreateStore(server.Options(), fault: request =>
            IsDocumentRequest(request, id) ? throw new TaskCanceledException("simulated HttpClient timeout", new TimeoutException()) : null);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync(id, Ct));

        Assert.Contains($"customers/{id}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_is_not_mistaken_for_a_missing_document_and_is_worth_retrying()
    {
        var id = StoreTestData.NewId();
        var store = server.CreateStore(server.Options(), fault: request => IsDocumentRequest(request, id) ? Answer(HttpStatusCode.InternalServerError) : null);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync(id, Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, Assert.IsType<CosmosException>(error.InnerException).StatusCode);
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData((HttpStatusCode)418)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task A_write_that_fails_for_any_reason_but_its_content_is_worth_retrying(HttpStatusCode status)
    {
        var id = StoreTestData.NewId();
        var store = server.CreateStore(server.Options(), fault: request => IsDocumentRequest(request, id) ? Answer(status) : null);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CreateAsync(StoreTestData.Customer(id), Ct));

        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(HttpStatusCode.BadRequest)]
    public async Task A_document_refused_for_its_content_is_rejected_for_good(HttpStatusCode status)
    {
        var id = StoreTestData.NewId();
        var store = server.CreateStore(server.Options(), fault: request => IsDocumentRequest(request, id) ? Answer(status) : null);

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => store.CreateAsync(StoreTestData.Customer(id), Ct));

        Assert.Contains($"customers/{id}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_is_false_when_the_container_does_not_exist()
    {
        var store = server.CreateStore(server.Options(NewDatabase()));

        Assert.False(await store.IsReachableAsync(Ct));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a?b")]
    [InlineData("a#b")]
    public async Task Ids_Cosmos_DB_cannot_store_are_refused_with_a_clear_message(string id)
    {
        var store = await server.GetSharedStoreAsync();

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => store.CreateAsync(StoreTestData.Customer(id), Ct));
        Assert.Contains("cannot be stored in Cosmos DB", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DocumentRejectedException>(() => store.GetAsync(id, Ct));
    }

    [Fact]
    public async Task Partition_queries_see_only_their_partition()
    {
        var store = await server.GetSharedStoreAsync();
        var customer = StoreTestData.NewId();
        var other = StoreTestData.NewId();
        await store.UpsertAsync(
        [
            StoreTestData.Transition(customer, Stage.None, Stage.Awareness, StoreTestData.T0),
            StoreTestData.Transition(other, Stage.None, Stage.Awareness, StoreTestData.T0),
        ], Ct);

        await store.DeleteAllAsync(customer, Ct);

        Assert.Empty(await store.ListTransitionsAsync(customer, Ct));
        Assert.Single(await store.ListTransitionsAsync(other, Ct));
    }

    private static bool IsDocumentRequest(HttpRequestMessage request, string id) =>
        request.RequestUri!.AbsolutePath.Contains("/docs", StringComparison.Ordinal)
        && (request.RequestUri.AbsolutePath.EndsWith("/" + id, StringComparison.Ordinal) || request.Method == HttpMethod.Post);

    private static HttpResponseMessage Answer(HttpStatusCode status)
    {
        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent($$"""{"code":"{{status}}","message":"simulated"}""", Encoding.UTF8, "application/json"),
        };
        response.Headers.TryAddWithoutValidation("x-ms-activity-id", Guid.NewGuid().ToString());
        response.Headers.TryAddWithoutValidation("x-ms-request-charge", "0");
        response.Headers.TryAddWithoutValidation("x-ms-substatus", "0");
        return response;
    }

    /// <summary>Keeps what is logged, with the structured state.</summary>
    private sealed class ListLogger : ILogger<CosmosJourneyStore>
    {
        public List<(LogLevel Level, Dictionary<string, object?> State)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
            lock (Entries) Entries.Add((logLevel, values));
        }
    }
}
