using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Collector;

/// <summary>
/// Compressed request bodies (<c>Content-Encoding: gzip</c>, <c>deflate</c>, <c>br</c>) as server
/// libraries send them (analytics-node, rudder-sdk-node: gzip, often as form-urlencoded), with the
/// 500 KB limit applied to the decoded body.
/// </summary>
public sealed class CollectorCompressionHttpTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static byte[] Compress(string encoding, byte[] data, bool rawDeflate = false)
    {
        using var output = new MemoryStream();
        using (Stream encoder = encoding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
            _ when rawDeflate => new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
            _ => new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
        })
        {
            encoder.Write(data);
        }
        return output.ToArray();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, byte[] body, string? encoding, string mediaType = "application/json")
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        if (encoding is not null) Assert.True(content.Headers.TryAddWithoutValidation("Content-Encoding", encoding));
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("journey-local:"u8.ToArray()));
        using var response = await _app.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>A batch as analytics-node 3 and rudder-sdk-node post it: identify and track with the library's context, sentAt.</summary>
    private static byte[] ServerBatch(string userId) => Encoding.UTF8.GetBytes($$"""
        {"batch":[
          {"type":"identify","userId":"{{userId}}","traits":{"email":"{{userId}}@example.com"},"context":{"library":{"name":"@segment/analytics-node","version":"3.1.0"} },"messageId":"{{userId}}-1","timestamp":"2026-12-01T10:00:00.000Z","_metadata":{"jsRuntime":"node"} },
          {"type":"track","userId":"{{userId}}","event":"Order Completed","properties":{"order_id":"{{userId}}-o1","revenue":42.5},"context":{"library":{"name":"@segment/analytics-node","version":"3.1.0"} },"messageId":"{{userId}}-2","timestamp":"2026-12-01T10:00:01.000Z"}],
         "sentAt":"2026-12-01T10:00:02.000Z"}
        """);

    [Theory]
    [InlineData("gzip", false, "application/json")]
    [InlineData("gzip", false, "application/x-www-form-urlencoded")]
    [InlineData("deflate", false, "application/json")]
    [InlineData("deflate", true, "application/json")]
    [InlineData("br", false, "text/plain")]
    public async Task CompressedBatch_IsDecoded_AndRecorded(string encoding, bool rawDeflate, string mediaType)
    {
        var userId = $"zip-{encoding}-{(rawDeflate ? "raw" : "std")}-{mediaType.Length}";
        var result = await PostAsync("/v1/batch", Compress(encoding, ServerBatch(userId), rawDeflate), encoding, mediaType);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.True(result.Body.GetProperty("success").GetBoolean());
        await _app.DrainAsync();
        var customer = await _app.GetJsonAsync($"/api/customers/{userId}");
        Assert.Equal($"{userId}@example.com", customer.GetProperty("traits").GetProperty("email").GetString());
    }

    [Fact]
    public async Task UncompressedJson_SentAsFormUrlEncoded_IsAccepted()
    {
        var result = await PostAsync("/v1/batch", ServerBatch("form-plain"), encoding: null, "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.OK, result.Status);
        await _app.DrainAsync();
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.GetAsync("/api/customers/form-plain")).StatusCode);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task Bomb_ThatExpandsPastTheLimit_Is413_AndRecordsNothing(string encoding)
    {
        // A valid batch padded with whitespace to 4 MB: a few KB compressed, far over 500 KB decoded.
        var json = Encoding.UTF8.GetBytes("""{"batch":[{"type":"track","anonymousId":"bomb-1","event":"X"}]""" + new string(' ', 4 * 1024 * 1024) + "}");
        var bomb = Compress(encoding, json);
        Assert.True(bomb.Length < 8 * 1024, $"the {encoding} bomb is {bomb.Length} bytes");

        var result = await PostAsync("/v1/batch", bomb, encoding);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, result.Status);
        Assert.Equal("batch", result.Body.GetProperty("field").GetString());
        Assert.Contains("512000", result.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
        await _app.DrainAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.GetAsync("/api/customers/bomb-1")).StatusCode);
    }

    [Fact]
    public async Task CompressedBody_JustUnderTheLimit_IsAccepted()
    {
        var head = """{"batch":[{"type":"track","anonymousId":"near-limit","event":"X"}]""";
        var json = Encoding.UTF8.GetBytes(head + new string(' ', 500 * 1024 - head.Length - 1) + "}");
        Assert.Equal(500 * 1024, json.Length);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/v1/batch", Compress("gzip", json), "gzip")).Status);
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("gzip, br")]
    [InlineData("compress")]
    public async Task UnknownEncoding_Is415_WithJson(string encoding)
    {
        var result = await PostAsync("/v1/track", Encoding.UTF8.GetBytes("""{"anonymousId":"enc-1","event":"X"}"""), encoding);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, result.Status);
        Assert.Equal("Content-Encoding", result.Body.GetProperty("field").GetString());
        Assert.Contains(encoding, result.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyThatIsNotGzip_Is400_NamingTheEncoding()
    {
        var result = await PostAsync("/v1/track", Encoding.UTF8.GetBytes("""{"anonymousId":"enc-2","event":"X"}"""), "gzip");
        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("Content-Encoding", result.Body.GetProperty("field").GetString());
    }
}
