using System.Net;
using System.Text;
using System.Text.Json;
using Journey.Domain.Ports;
using Journey.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Journey.Functions.Tests.Invocations;

/// <summary>
/// The Event Hubs trigger as the Functions host delivers it to a custom handler
/// (<c>POST /ProcessEvents</c> with recorded invocation payloads in Fixtures/).
/// </summary>
public sealed class ProcessEventsInvocationTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Invocations", "Fixtures", name));

    private async Task<(HttpStatusCode Status, JsonElement Body)> InvokeAsync(string payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ProcessEvents") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.0");
        var response = await _app.Client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static void AssertInvocationResult(JsonElement body)
    {
        Assert.Equal(JsonValueKind.Object, body.GetProperty("outputs").ValueKind);
        Assert.Equal(JsonValueKind.Array, body.GetProperty("logs").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("returnValue").ValueKind);
    }

    [Theory]
    [InlineData("process-events-json-arrays.json")]
    [InlineData("process-events-string-arrays.json")]
    public async Task Batch_InEitherEncoding_IsAppliedLikeTheLocalPipeline(string fixture)
    {
        var (status, body) = await InvokeAsync(Fixture(fixture));
        Assert.Equal(HttpStatusCode.OK, status);
        AssertInvocationResult(body);
        Assert.Contains("4 applied", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);

        var customer = await _app.GetJsonAsync("/api/customers/eh-u1?journey=true");
        Assert.Equal("Conversion", customer.GetProperty("stage").GetString());
        Assert.Contains("eh-a1", customer.GetProperty("anonymousIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(42.5m, customer.GetProperty("orders").GetProperty("revenue").GetDecimal());
        Assert.Equal(103, customer.GetProperty("journey").GetProperty("positions").GetProperty("3").GetInt64());
        var transitions = await _app.GetJsonAsync("/api/customers/eh-a1/transitions");
        Assert.Equal(["Awareness", "Consideration", "Conversion"], transitions.EnumerateArray().Select(t => t.GetProperty("to").GetString()));
    }

    [Fact]
    public async Task SameBatchDeliveredTwice_ChangesNothing()
    {
        var payload = Fixture("process-events-json-arrays.json");
        await InvokeAsync(payload);
        var before = (await _app.Services.GetRequiredService<ICustomerStore>().GetAsync("eh-u1", CancellationToken.None))!.ETag;

        var (status, body) = await InvokeAsync(payload);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("0 applied, 4 duplicates", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
        var after = (await _app.Services.GetRequiredService<ICustomerStore>().GetAsync("eh-u1", CancellationToken.None))!.ETag;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task PoisonEvent_GoesToDeadLetters_AndDoesNotFailItsBatch()
    {
        var (status, body) = await InvokeAsync(Fixture("process-events-poison.json"));
        Assert.Equal(HttpStatusCode.OK, status);
        AssertInvocationResult(body);
        Assert.Contains("2 applied", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("1 dead-lettered", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);

        var customer = await _app.GetJsonAsync("/api/customers/eh-p");
        Assert.Equal(2, customer.GetProperty("counters").GetProperty("Product Viewed").GetInt32());
        var deadLetters = _app.Services.GetRequiredService<IDeadLetterStore>();
        // dead letters are kept by the day the stream accepted the event (x-opt-enqueued-time in the fixture)
        var dead = Assert.Single(await deadLetters.ListAsync("2026-03-02", CancellationToken.None));
        Assert.Equal(("1", 201L, "{this is not json"), (dead.Partition, dead.SequenceNumber, dead.RawPayload));
    }

    [Theory]
    [InlineData("""{"Data":{},"Metadata":{"PartitionContext":{"PartitionId":"0"}}}""", "Data.events")]
    [InlineData("""{"Data":{"events":"not an array"},"Metadata":{"PartitionContext":{"PartitionId":"0"}}}""", "cardinality")]
    [InlineData("""{"Data":{"events":["{}"]},"Metadata":{}}""", "PartitionId")]
    [InlineData("""{"Data":{"events":["{}"]},"Metadata":{"PartitionContext":{"PartitionId":"0"}}}""", "sequence number")]
    [InlineData("""[1,2]""", "not a JSON object")]
    public async Task MalformedInvocation_Is400NamingTheProblem(string payload, string expected)
    {
        var (status, body) = await InvokeAsync(payload);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
