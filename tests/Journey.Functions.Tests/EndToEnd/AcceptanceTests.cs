using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.EndToEnd;

/// <summary>Issue #2's acceptance scenario and the real Segment client, through the running app.</summary>
public sealed class AcceptanceTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task PixelViewThenSegmentBatch_ShowsTheConvertedCustomerWithTheMergedAnonymousId()
    {
        var pixel = await _app.Client.GetAsync("/i?k=journey-local&aid=a1&e=Product%20Viewed&p_product_id=7");
        Assert.Equal(HttpStatusCode.OK, pixel.StatusCode);

        const string batch = """
            {"batch":[
              {"type":"identify","userId":"u1","anonymousId":"a1","traits":{"email":"u1@example.com"}},
              {"type":"track","userId":"u1","anonymousId":"a1","event":"Product Added","properties":{"product_id":7,"price":42.5}},
              {"type":"track","userId":"u1","anonymousId":"a1","event":"Order Completed","properties":{"order_id":"A1","revenue":42.5}}
            ]}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new StringContent(batch, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("journey-local:"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.SendAsync(request)).StatusCode);
        await _app.DrainAsync();

        var customer = await _app.GetJsonAsync("/api/customers/u1");
        Assert.Equal("u1", customer.GetProperty("id").GetString());
        Assert.Equal("Conversion", customer.GetProperty("stage").GetString());
        Assert.Contains("a1", customer.GetProperty("anonymousIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(42.5m, customer.GetProperty("orders").GetProperty("revenue").GetDecimal());
        Assert.Equal(1, customer.GetProperty("counters").GetProperty("Product Viewed").GetInt32());

        var transitions = await _app.GetJsonAsync("/api/customers/u1/transitions");
        Assert.Equal(["None>Awareness", "Awareness>Consideration", "Consideration>Conversion"],
            transitions.EnumerateArray().Select(t => $"{t.GetProperty("from").GetString()}>{t.GetProperty("to").GetString()}"));

        var byAnonymousId = await _app.GetJsonAsync("/api/customers/a1");
        Assert.Equal("u1", byAnonymousId.GetProperty("id").GetString());
    }

    [Fact]
    public async Task UnknownCustomer_Is404WithJson()
    {
        var response = await _app.Client.GetAsync("/api/customers/nobody");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("id", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
    }

    /// <summary>The same journey through Segment's and RudderStack's server libraries (RudderStack's gzips its bodies and labels them form-urlencoded).</summary>
    [Theory]
    [InlineData("send-with-analytics-node.mjs", "@segment/analytics-node", "node")]
    [InlineData("send-with-rudder-sdk-node.mjs", "@rudderstack/rudder-sdk-node", "rudder")]
    public async Task ServerSideClients_FromNpm_LandOnTheCustomer(string script, string package, string prefix)
    {
        Assert.True(Directory.Exists(Path.Combine([RepoPaths.Root, "tests", "node", "node_modules", .. package.Split('/')])),
            "Run `npm ci` in tests/node first (tests/run.sh does).");
        await NodeScript.RunAsync(script, _app.BaseAddress.ToString().TrimEnd('/'), "journey-local", $"{prefix}-user", $"{prefix}-anon");
        await _app.DrainAsync();

        var customer = await _app.GetJsonAsync($"/api/customers/{prefix}-user");
        Assert.Equal("Conversion", customer.GetProperty("stage").GetString());
        Assert.Contains($"{prefix}-anon", customer.GetProperty("anonymousIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(19.99m, customer.GetProperty("orders").GetProperty("revenue").GetDecimal());
        Assert.Equal($"{prefix}-user@example.com", customer.GetProperty("traits").GetProperty("email").GetString());
        var counters = customer.GetProperty("counters");
        Assert.Equal(1, counters.GetProperty("Page Viewed").GetInt32());
        Assert.Equal(1, counters.GetProperty("Identified").GetInt32());
    }
}
