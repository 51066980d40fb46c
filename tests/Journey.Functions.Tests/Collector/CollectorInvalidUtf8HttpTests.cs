using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Collector;

/// <summary>
/// Invalid UTF-8 over real HTTP: raw bytes in Segment bodies, percent-encoded bytes on the pixel.
/// Always a 400 with a JSON body naming the field, never a 5xx, and the collector keeps working.
/// </summary>
public sealed class CollectorInvalidUtf8HttpTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static byte[] WithBytes(string text) => Journey.Testing.RawBytes.Of(text);

    private static AuthenticationHeaderValue Basic(byte[] key) => new("Basic", Convert.ToBase64String([.. key, (byte)':']));

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string body, string? writeKey = "journey-local", string mediaType = "application/json")
    {
        using var content = new ByteArrayContent(WithBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (writeKey is not null) request.Headers.Authorization = Basic(WithBytes(writeKey));
        return await SendAsync(request);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        using var response = await _app.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType != "application/json") return (response.StatusCode, default);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        return await SendAsync(request);
    }

    private static void AssertInvalidUtf8(string expectedField, (HttpStatusCode Status, JsonElement Body) actual)
    {
        Assert.Equal(HttpStatusCode.BadRequest, actual.Status);
        Assert.Equal(JsonValueKind.Object, actual.Body.ValueKind);
        Assert.Equal(expectedField, actual.Body.GetProperty("field").GetString());
        Assert.Contains("not valid UTF-8", actual.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Track_WithFFFEInUserId_Is400NamingUserId_AndTheNextMessageIsStoredIntact()
    {
        AssertInvalidUtf8("userId", await PostAsync("/v1/track", """{"userId":"utf8-<FF><FE>","event":"Order Completed"}"""));

        var ok = await PostAsync("/v1/identify", """{"userId":"utf8-u1","traits":{"name":"Zoë <F0><9F><8E><89>","city":"\u6771\u4eac"}}""");
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        await _app.DrainAsync();
        var customer = await _app.GetJsonAsync("/api/customers/utf8-u1");
        Assert.Equal("Zoë 🎉", customer.GetProperty("traits").GetProperty("name").GetString());
        Assert.Equal("東京", customer.GetProperty("traits").GetProperty("city").GetString());
    }

    [Theory]
    [InlineData("/v1/track", """{"anonymousId":"<FF>","event":"X"}""", "anonymousId")]
    [InlineData("/v1/t", """{"anonymousId":"a","event":"X","properties":{"sku":"<C3><28>"}}""", "properties.sku")]
    [InlineData("/v1/identify", """{"userId":"u","traits":{"email":"<ED><A0><80>"}}""", "traits.email")]
    [InlineData("/v1/i", """{"userId":"u","context":{"userAgent":"Mozilla <FE>"}}""", "context.userAgent")]
    [InlineData("/v1/page", """{"anonymousId":"a","context":{"page":{"url":"https://shop.example/<FF>"}}}""", "context.page.url")]
    [InlineData("/v1/p", """{"anonymousId":"a","properties":{"ti<FF>tle":"Home"}}""", "properties")]
    [InlineData("/v1/screen", """{"anonymousId":"a","name":"Ho<FF>me"}""", "name")]
    [InlineData("/v1/s", """{"anonymousId":"a","context":{"campaign":{"source":"<FF>"}}}""", "context.campaign.source")]
    [InlineData("/v1/group", """{"userId":"u","groupId":"g<FF>"}""", "groupId")]
    [InlineData("/v1/g", """{"userId":"u","groupId":"g","traits":{"plan":"\uD800"}}""", "traits.plan")]
    [InlineData("/v1/alias", """{"userId":"u","previousId":"<FE>"}""", "previousId")]
    [InlineData("/v1/a", """{"userId":"u","previousId":"p","timestamp":"2026<FF>"}""", "timestamp")]
    [InlineData("/v1/track", """{"anonymousId":"a","event":"X","mes<FF>sageId":"m"}""", "body")]
    public async Task EveryMessageRoute_WithInvalidUtf8_Is400NamingTheField(string route, string body, string field)
    {
        AssertInvalidUtf8(field, await PostAsync(route, body));
    }

    [Fact]
    public async Task BytesOutsideAnyString_Are400NamingTheBody()
    {
        var result = await PostAsync("/v1/track", """{"anonymousId":"a",<FF><FE>"event":"X"}""");

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("body", result.Body.GetProperty("field").GetString());
        Assert.Contains("not valid JSON", result.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextPlainBeacon_WithInvalidUtf8_Is400NamingTheField()
    {
        AssertInvalidUtf8("userId", await PostAsync("/v1/t", """{"writeKey":"journey-local","userId":"<FF>","event":"X"}""", writeKey: null, mediaType: "text/plain"));
        AssertInvalidUtf8("writeKey", await PostAsync("/v1/t", """{"writeKey":"journey-<FF>","userId":"u","event":"X"}""", writeKey: null, mediaType: "text/plain"));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/v1/t", """{"writeKey":"journey-local","userId":"u","event":"X"}""", writeKey: null, mediaType: "text/plain")).Status);
    }

    [Fact]
    public async Task BasicAuthKey_ThatIsNotUtf8_Is400NamingTheWriteKey()
    {
        AssertInvalidUtf8("writeKey", await PostAsync("/v1/track", """{"userId":"u","event":"X"}""", writeKey: "journey-<FF>"));
    }

    [Fact]
    public async Task Batch_WithInvalidUtf8InOneItem_IsRejectedWhole_NamingTheItem_ThenAValidBatchIsStored()
    {
        var bad = """{"batch":[{"type":"track","anonymousId":"utf8-ok-1","event":"X"},{"type":"track","anonymousId":"a","event":"X"},{"type":"track","userId":"<FF><FE>","event":"X"}]}""";
        AssertInvalidUtf8("batch[2].userId", await PostAsync("/v1/batch", bad));
        AssertInvalidUtf8("batch[0].properties", await PostAsync("/v1/b", """{"batch":[{"type":"track","anonymousId":"a","event":"X","properties":{"<C3><28>":1}}]}"""));

        var good = """{"batch":[{"type":"track","anonymousId":"utf8-ok-2","event":"Größe"},{"type":"identify","anonymousId":"utf8-ok-2","traits":{"name":"Zoë"}}]}""";
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/v1/batch", good)).Status);
        await _app.DrainAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.GetAsync("/api/customers/utf8-ok-1")).StatusCode);
        var customer = await _app.GetJsonAsync("/api/customers/utf8-ok-2");
        Assert.Equal("Zoë", customer.GetProperty("traits").GetProperty("name").GetString());
        Assert.Equal(1, customer.GetProperty("counters").GetProperty("Größe").GetInt32());
    }

    [Theory]
    [InlineData("/i?k=journey-local&uid=%FF%FE", "uid")]
    [InlineData("/i?k=journey-local&aid=a1&e=Product%20Viewed%FF", "e")]
    [InlineData("/i?k=journey-local&aid=a1&p_name=%C3%28", "p_name")]
    [InlineData("/i?k=journey-local&aid=a1&t_email=%ED%A0%80", "t_email")]
    [InlineData("/i?k=journey-local&aid=a1&p_%FF=1", "p_%FF")]
    [InlineData("/i?k=%FF%FE&aid=a1", "k")]
    public async Task Pixel_WithAParameterThatIsNotUtf8_Is400NamingIt(string pathAndQuery, string field)
    {
        AssertInvalidUtf8(field, await GetAsync(pathAndQuery));
    }

    [Fact]
    public async Task Pixel_AfterAnInvalidHit_AValidOneIsStoredIntact()
    {
        AssertInvalidUtf8("uid", await GetAsync("/i?k=journey-local&uid=utf8-px%FF"));

        var response = await _app.Client.GetAsync("/i?k=journey-local&uid=utf8-px&e=Gr%C3%B6%C3%9Fe%20%F0%9F%8E%89&p_city=%E6%9D%B1%E4%BA%AC");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/gif", response.Content.Headers.ContentType!.MediaType);
        await _app.DrainAsync();
        var customer = await _app.GetJsonAsync("/api/customers/utf8-px");
        Assert.Equal(1, customer.GetProperty("counters").GetProperty("Größe 🎉").GetInt32());
    }

    [Fact]
    public async Task Pixel_RawNonAsciiBytesInTheRequestLine_AreRefusedByKestrelBeforeTheReader()
    {
        // Kestrel answers 400 (empty body) for any byte over 0x7F in the request target, valid UTF-8 or not,
        // so only percent-encoded bytes ever reach PixelRequestReader.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_app.BaseAddress.Host, _app.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(WithBytes($"GET /i?k=journey-local&uid=a<FF><FE> HTTP/1.1\r\nHost: {_app.BaseAddress.Authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync();
        Assert.StartsWith("HTTP/1.1 400", statusLine, StringComparison.Ordinal);
    }
}
