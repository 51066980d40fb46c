using System.Net;
using System.Text;
using System.Text.Json;
using Journey.Adapters.Store.Cosmos;
using Journey.Domain.Metrics;
using Journey.Domain.Ports;
using Journey.Functions.Tests.Deployment;
using Journey.Functions.Tests.Support;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;

namespace Journey.Functions.Tests.Invocations;

/// <summary>
/// The published app started the way the Functions host starts a custom handler (working folder =
/// the publish output, the executable host.json names, port in FUNCTIONS_CUSTOMHANDLER_PORT),
/// sent the host's requests: a proxied HTTP function and Event Hubs trigger invocations in both
/// encodings, a redelivered batch, a poison event and a timer: once with the local SQLite default,
/// once with the Cosmos DB adapter against the Cosmos DB test server (through <see cref="CosmosProxy"/>,
/// whose fix-ups stand in for what the test server gets wrong), checking the documents in Cosmos DB.
/// </summary>
[Collection(PublishedAppCollection.Name)]
public sealed class HostSimulationTests(PublishedApp published)
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Invocations", "Fixtures", name));

    private static async Task<(HttpStatusCode Status, JsonElement Body)> InvokeAsync(HttpClient http, string function, string payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + function) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.0");
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task PublishedApp_AsCustomHandler_ProcessesTheHostsInvocations()
    {
        var data = Path.Combine(Path.GetTempPath(), "journey-host-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var app = await AppProcess.StartAsCustomHandlerAsync(published.Folder, data);
            using var http = new HttpClient { BaseAddress = app.BaseAddress };

            // self-contained: the runtime that runs it is the one in the package, not an installed one
            var runtime = Assert.Single(app.MappedFiles(), file => Path.GetFileName(file) == "libcoreclr.so");
            Assert.Equal(Path.GetFullPath(published.Folder), Path.GetDirectoryName(runtime));

            // a proxied HTTP function: the pixel answers its GIF
            var pixel = await http.GetAsync("/i?k=journey-local&aid=host-a&e=Product%20Viewed");
            Assert.Equal(HttpStatusCode.OK, pixel.StatusCode);
            Assert.Equal("image/gif", pixel.Content.Headers.ContentType!.MediaType);

            // the Event Hubs trigger, arrays as JSON
            var (status, body) = await InvokeAsync(http, "ProcessEvents", Fixture("process-events-json-arrays.json"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("4 applied", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, body.GetProperty("returnValue").ValueKind);

            // the same batch again, arrays as strings holding JSON: nothing new
            (status, body) = await InvokeAsync(http, "ProcessEvents", Fixture("process-events-string-arrays.json"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("0 applied, 4 duplicates", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);

            // a poison event does not fail its batch
            (status, body) = await InvokeAsync(http, "ProcessEvents", Fixture("process-events-poison.json"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("2 applied, 0 duplicates, 1 dead-lettered", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);

            var customer = JsonDocument.Parse(await http.GetStringAsync("/api/customers/eh-a1")).RootElement;
            Assert.Equal("eh-u1", customer.GetProperty("id").GetString());
            Assert.Equal("Conversion", customer.GetProperty("stage").GetString());
            Assert.Equal(42.5m, customer.GetProperty("orders").GetProperty("revenue").GetDecimal());
            var poisoned = JsonDocument.Parse(await http.GetStringAsync("/api/customers/eh-p")).RootElement;
            Assert.Equal(2, poisoned.GetProperty("counters").GetProperty("Product Viewed").GetInt32());
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task PublishedApp_AsCustomHandler_WithCosmos_WritesTheDocuments()
    {
        var data = Path.Combine(Path.GetTempPath(), "journey-host-" + Guid.NewGuid().ToString("N"));
        var database = "journey-host-" + Guid.NewGuid().ToString("N")[..8];
        await using var cosmos = await CosmosProxy.StartAsync();
        try
        {
            await using var app = await AppProcess.StartAsCustomHandlerAsync(published.Folder, data, new Dictionary<string, string>
            {
                ["CosmosConnection"] = cosmos.ConnectionString,
                ["Cosmos__DatabaseName"] = database,
            });
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            using var store = new CosmosJourneyStore(cosmos.Options(database), NullLogger<CosmosJourneyStore>.Instance);
            var ct = CancellationToken.None;

            // the Event Hubs trigger, arrays as JSON: customers and transitions in Cosmos DB
            var (status, body) = await InvokeAsync(http, "ProcessEvents", Fixture("process-events-json-arrays.json"));
            Assert.True(status == HttpStatusCode.OK, $"{status}: {body}\n{app.Output}");
            Assert.Contains("4 applied, 0 duplicates, 0 dead-lettered", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
            var customer = Assert.IsType<CustomerOf>(await CustomerAsync(store, "eh-u1"));
            Assert.Equal("Conversion", customer.Document.Stage.ToString());
            Assert.Contains("eh-a1", customer.Document.AnonymousIds);
            Assert.Equal(42.5m, customer.Document.Orders.Revenue);
            Assert.Equal(["Awareness", "Consideration", "Conversion"], (await ((ITransitionStore)store).ListAsync("eh-u1", ct)).OrderBy(t => t.At).Select(t => t.To.ToString()));
            var documents = await CountDocumentsAsync(store);

            // the same batch again, arrays as strings holding JSON, then again as JSON: nothing changes
            (status, body) = await InvokeAsync(http, "ProcessEvents", Fixture("process-events-string-arrays.json"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("0 applied, 4 duplicates", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
            (status, body) = await InvokeAsync(http, "ProcessEvents", Fixture("process-events-json-arrays.json"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("0 applied, 4 duplicates", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
            Assert.Equal(customer.ETag, (await CustomerAsync(store, "eh-u1"))!.ETag);
            Assert.Equal(documents, await CountDocumentsAsync(store));

            // a poison event goes to the deadletter container; its batch succeeds
            (status, body) = await InvokeAsync(http, "ProcessEvents", Fixture("process-events-poison.json"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("2 applied, 0 duplicates, 1 dead-lettered", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
            var poisoned = Assert.IsType<CustomerOf>(await CustomerAsync(store, "eh-p"));
            Assert.Equal(2L, poisoned.Document.Counters["Product Viewed"]);
            // dead letters are kept by the day the stream accepted the event (x-opt-enqueued-time in the fixture)
            var dead = Assert.Single(await ((IDeadLetterStore)store).ListAsync("2026-03-02", ct));
            Assert.Equal(("1", 201L, "{this is not json"), (dead.Partition, dead.SequenceNumber, dead.RawPayload));
            var after = await CountDocumentsAsync(store);
            Assert.Equal(["Awareness", "Consideration"], (await ((ITransitionStore)store).ListAsync("eh-p", ct)).OrderBy(t => t.At).Select(t => t.To.ToString()));
            Assert.Equal((documents.Customers + 1, documents.Transitions + 2, 1), (after.Customers, after.Transitions, after.DeadLetters));

            // the admin API reads the same documents
            var viaApi = JsonDocument.Parse(await http.GetStringAsync("/api/customers/eh-a1")).RootElement;
            Assert.Equal("eh-u1", viaApi.GetProperty("id").GetString());

            // the timer runs the daily job as of the day before the host's time (2026-03-02T02:00Z):
            // the metrics documents are written, no journey document changes, and a second
            // delivery of the same invocation writes nothing new
            (status, body) = await InvokeAsync(http, "DailyMetrics", Fixture("timer.json"));
            AssertTimerAnswer(status, body);
            Assert.Contains("Daily job as of 2026-03-01", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
            Assert.Equal(after, await CountDocumentsAsync(store));
            var metrics = await ((IMetricsStore)store).ListAsync("2026-03-01", ct);
            Assert.Equal(MetricKinds.All, metrics.Select(m => m.Kind));
            (status, body) = await InvokeAsync(http, "DailyMetrics", Fixture("timer.json"));
            AssertTimerAnswer(status, body);
            Assert.Contains($"0 metrics documents written, {MetricKinds.All.Count} unchanged", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);

            // the pain-point timer runs the summarizer for the 30 days up to the day before the host's time
            // (these events carry no feedback text: nothing to cluster, nothing written)
            (status, body) = await InvokeAsync(http, "PainPoints", Fixture("timer.json"));
            AssertTimerAnswer(status, body);
            Assert.Contains("Pain points 2026-01-31 to 2026-03-01: 0 feedback texts", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
            Assert.Empty(await ((IPainPointStore)store).LatestAsync(ct));

            // erasure through the proxied admin route (DELETE, by the anonymous id): the customer, its redirect and its
            // transitions leave Cosmos DB, a suppression entry per id is added, and the same batch again is dropped
            var erased = await http.DeleteAsync("/api/customers/eh-a1");
            var erasedBody = await erased.Content.ReadAsStringAsync();
            Assert.True(erased.StatusCode == HttpStatusCode.OK, $"{erased.StatusCode}: {erasedBody}\n{app.Output}");
            Assert.Equal(2, JsonDocument.Parse(erasedBody).RootElement.GetProperty("suppressions").GetInt32());
            Assert.Null(await CustomerAsync(store, "eh-u1"));
            Assert.Null(await CustomerAsync(store, "eh-a1"));
            Assert.Empty(await ((ITransitionStore)store).ListAsync("eh-u1", ct));
            (status, body) = await InvokeAsync(http, "ProcessEvents", Fixture("process-events-json-arrays.json"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("0 applied, 0 duplicates, 0 dead-lettered", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
            Assert.Contains("4 suppressed", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
            Assert.Null(await CustomerAsync(store, "eh-u1"));
            Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync("/api/customers/eh-u1")).StatusCode);
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A 2xx invocation result: <c>{"outputs": {}, "logs": [...], "returnValue": ...}</c>.</summary>
    private static void AssertTimerAnswer(HttpStatusCode status, JsonElement body)
    {
        Assert.True((int)status is >= 200 and < 300, $"The timer invocation answered {(int)status}: {body}");
        Assert.Equal(JsonValueKind.Object, body.GetProperty("outputs").ValueKind);
        Assert.Equal(JsonValueKind.Array, body.GetProperty("logs").ValueKind);
    }

    private sealed record CustomerOf(Journey.Domain.Customers.CustomerDocument Document, string ETag);

    private static async Task<CustomerOf?> CustomerAsync(CosmosJourneyStore store, string id) =>
        await store.GetAsync(id, CancellationToken.None) is { } found ? new CustomerOf(found.Document, found.ETag) : null;

    private readonly record struct DocumentCounts(int Customers, int Transitions, int DeadLetters);

    /// <summary>Every document of the journey containers, read with the read feed (what the test server serves across partitions).</summary>
    private static async Task<DocumentCounts> CountDocumentsAsync(CosmosJourneyStore store) => new(
        await CountAsync(store.GetContainer(CosmosContainers.Customers)),
        await CountAsync(store.GetContainer(CosmosContainers.Transitions)),
        await CountAsync(store.GetContainer(CosmosContainers.DeadLetter)));

    private static async Task<int> CountAsync(Container container)
    {
        var count = 0;
        using var feed = container.GetItemQueryStreamIterator((string?)null);
        while (feed.HasMoreResults)
        {
            using var page = await feed.ReadNextAsync();
            page.EnsureSuccessStatusCode();
            using var json = await JsonDocument.ParseAsync(page.Content);
            count += json.RootElement.GetProperty("Documents").GetArrayLength();
        }
        return count;
    }
}
