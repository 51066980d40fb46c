using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Collector;

/// <summary>The collector contract over real HTTP: every route, every documented error.</summary>
public sealed class CollectorHttpTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static StringContent Json(string json, string mediaType = "application/json") => new(json, Encoding.UTF8, mediaType);

    private static AuthenticationHeaderValue Basic(string key) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json, string? writeKey = "journey-local", string mediaType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(json, mediaType) };
        if (writeKey is not null) request.Headers.Authorization = Basic(writeKey);
        var response = await _app.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static void AssertError(HttpStatusCode expectedStatus, string expectedField, (HttpStatusCode Status, JsonElement Body) actual, string? messageContains = null)
    {
        Assert.Equal(expectedStatus, actual.Status);
        Assert.Equal(expectedField, actual.Body.GetProperty("field").GetString());
        var error = actual.Body.GetProperty("error").GetString();
        Assert.False(string.IsNullOrWhiteSpace(error));
        if (messageContains is not null) Assert.Contains(messageContains, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Pixel_AnswersTheGif_WithNoCacheHeaders()
    {
        var response = await _app.Client.GetAsync("/i?k=journey-local&aid=a1&e=Product%20Viewed&p_product_id=7");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/gif", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache, no-store, must-revalidate", response.Headers.NonValidated["Cache-Control"].ToString());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("GIF89a", Encoding.ASCII.GetString(bytes, 0, 6));
        Assert.Equal(1, bytes[6] | bytes[7] << 8);
    }

    [Fact]
    public async Task Pixel_UnknownWriteKey_Is401()
    {
        var response = await _app.Client.GetAsync("/i?k=nope&aid=a1");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("k", body.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Pixel_WithoutAnyId_Is400()
    {
        var response = await _app.Client.GetAsync("/i?k=journey-local&e=Product%20Viewed");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Track_Accepted_AnswersSuccess()
    {
        var result = await PostAsync("/v1/track", """{"anonymousId":"a","event":"Product Viewed","properties":{"product_id":1}}""");
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.True(result.Body.GetProperty("success").GetBoolean());
    }

    [Theory]
    [InlineData("/v1/t")]
    [InlineData("/v1/p")]
    [InlineData("/v1/i")]
    [InlineData("/v1/s")]
    [InlineData("/v1/g")]
    [InlineData("/v1/identify")]
    [InlineData("/v1/page")]
    [InlineData("/v1/screen")]
    [InlineData("/v1/group")]
    public async Task EveryMessageRoute_AcceptsATextPlainBodyWithTheWriteKeyInside(string route)
    {
        var json = """{"writeKey":"journey-local","anonymousId":"a","event":"Thing Happened","groupId":"g1","name":"Home"}""";
        var result = await PostAsync(route, json, writeKey: null, mediaType: "text/plain");
        Assert.Equal(HttpStatusCode.OK, result.Status);
    }

    [Fact]
    public async Task Alias_Route_NeedsPreviousId()
    {
        AssertError(HttpStatusCode.BadRequest, "previousId", await PostAsync("/v1/a", """{"userId":"u"}"""));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/v1/alias", """{"userId":"u","previousId":"a"}""")).Status);
    }

    [Fact]
    public async Task BearerToken_IsAcceptedAsTheWriteKey()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/track") { Content = Json("""{"userId":"u","event":"X"}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "journey-local");
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task InvalidJson_Is400NamingTheBody() =>
        AssertError(HttpStatusCode.BadRequest, "body", await PostAsync("/v1/track", """{"anonymousId": "a", """), "JSON");

    [Fact]
    public async Task NoUserIdNorAnonymousId_Is400() =>
        AssertError(HttpStatusCode.BadRequest, "userId", await PostAsync("/v1/track", """{"event":"X"}"""), "anonymousId");

    [Fact]
    public async Task EventOver32KB_Is400()
    {
        var json = $$$"""{"anonymousId":"a","event":"X","properties":{"blob":"{{{new string('x', 33 * 1024)}}}"}}""";
        AssertError(HttpStatusCode.BadRequest, "size", await PostAsync("/v1/track", json), "32");
    }

    [Fact]
    public async Task BatchOver500KB_Is413NamingTheBatch_LikeADecodedOne()
    {
        var item = $$$"""{"type":"track","anonymousId":"a","event":"X","properties":{"blob":"{{{new string('x', 20 * 1024)}}}"}}""";
        var json = $$"""{"batch":[{{string.Join(',', Enumerable.Repeat(item, 26))}}]}""";
        AssertError(HttpStatusCode.RequestEntityTooLarge, "batch", await PostAsync("/v1/batch", json), "500");
    }

    [Fact]
    public async Task UnknownWriteKey_Is401()
    {
        AssertError(HttpStatusCode.Unauthorized, "writeKey", await PostAsync("/v1/track", """{"anonymousId":"a","event":"X"}""", writeKey: "wrong"), "wrong");
        AssertError(HttpStatusCode.Unauthorized, "writeKey", await PostAsync("/v1/track", """{"anonymousId":"a","event":"X"}""", writeKey: null));
    }

    [Fact]
    public async Task MessageIdOver100Characters_Is400()
    {
        var json = $$"""{"anonymousId":"a","event":"X","messageId":"{{new string('m', 101)}}"}""";
        AssertError(HttpStatusCode.BadRequest, "messageId", await PostAsync("/v1/track", json), "100");
    }

    [Fact]
    public async Task BatchWithOneBadItem_IsRejectedWhole_NamingTheItem()
    {
        var json = """{"batch":[{"type":"track","anonymousId":"ok-1","event":"X"},{"type":"track","event":"X"}]}""";
        AssertError(HttpStatusCode.BadRequest, "batch[1].userId", await PostAsync("/v1/batch", json));
        await _app.DrainAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.GetAsync("/api/customers/ok-1")).StatusCode);
    }

    [Fact]
    public async Task UnknownRoute_Is404WithJson()
    {
        var result = await PostAsync("/v1/nothing", "{}");
        Assert.Equal(HttpStatusCode.NotFound, result.Status);
        Assert.Equal("route", result.Body.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Preflight_AllowsTheCollectorRoutes()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/batch");
        request.Headers.Add("Origin", "https://shop.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        var response = await _app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("https://shop.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsDocument_PointsAnalyticsJsBackHere()
    {
        var settings = await _app.GetJsonAsync("/v1/projects/journey-local/settings");
        var segment = settings.GetProperty("integrations").GetProperty("Segment.io");
        Assert.Equal("journey-local", segment.GetProperty("apiKey").GetString());
        Assert.Equal($"{_app.BaseAddress.Authority}/v1", segment.GetProperty("apiHost").GetString());
        Assert.Equal("http", segment.GetProperty("protocol").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Client.GetAsync("/v1/projects/other/settings")).StatusCode);
    }

    [Fact]
    public async Task Health_ReportsStreamAndStore()
    {
        var health = await _app.GetJsonAsync("/health");
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal("reachable", health.GetProperty("stream").GetString());
        Assert.Equal("reachable", health.GetProperty("store").GetString());
    }

    [Fact]
    public async Task DoNotTrack_DropsTheEventByDefault()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/track") { Content = Json("""{"anonymousId":"dnt-1","event":"X"}""") };
        request.Headers.Authorization = Basic("journey-local");
        request.Headers.Add("DNT", "1");
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.SendAsync(request)).StatusCode);
        await PostAsync("/v1/track", """{"anonymousId":"tracked-1","event":"X"}""");
        await _app.DrainAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.GetAsync("/api/customers/dnt-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.GetAsync("/api/customers/tracked-1")).StatusCode);
    }
}
