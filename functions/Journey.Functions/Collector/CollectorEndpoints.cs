using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using Journey.Domain.Collection;
using Journey.Domain.Enrichment;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Microsoft.Extensions.Options;

namespace Journey.Functions.Collector;

/// <summary>
/// The collector's HTTP routes (PRODUCT.md, "Collector contract"). Each one reads its input,
/// lets the domain readers validate and enrich it, appends the events to the stream and answers
/// only once the stream has durably accepted them.
/// </summary>
public static class CollectorEndpoints
{
    public const string CorsPolicy = "collector";

    private static readonly byte[] SuccessBody = """{"success":true}"""u8.ToArray();

    public static void MapCollector(this IEndpointRouteBuilder app)
    {
        app.MapGet("/i", PixelAsync).RequireCors(CorsPolicy);
        app.MapPost("/v1/{route}", SegmentAsync).RequireCors(CorsPolicy);
        app.MapGet("/v1/projects/{writeKey}/settings", Settings).RequireCors(CorsPolicy);
        app.MapTrackerScript();
    }

    private static async Task PixelAsync(HttpContext http, CollectorService collector, CancellationToken ct)
    {
        // The raw query string, read by the domain reader itself (one pass, no query collection).
        if (collector.RefuseOrigin(http.Request) is { } refused)
        {
            await WriteAsync(http, refused);
            return;
        }
        var query = http.Request.QueryString.Value;
        var writeKey = PixelRequestReader.WriteKey(query, out var invalidKey);
        if (invalidKey is not null)
        {
            await WriteAsync(http, ErrorResponses.BadRequest(invalidKey.Error, invalidKey.Field));
            return;
        }
        if (!collector.IsAccepted(writeKey))
        {
            await WriteAsync(http, ErrorResponses.Unauthorized(UnknownKeyMessage(writeKey), "k"));
            return;
        }
        var privacy = collector.PrivacyFor(http.Request);
        var result = PixelRequestReader.ReadQueryString(query, collector.Context(http, writeKey!, privacy));
        var failure = await collector.AcceptAsync(http, result, privacy, ct);
        if (failure is not null)
        {
            await WriteAsync(http, failure);
            return;
        }
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = PixelGif.ContentType;
        http.Response.Headers.CacheControl = PixelGif.CacheControl;
        http.Response.Headers.Pragma = "no-cache";
        http.Response.ContentLength = PixelGif.Bytes.Length;
        await http.Response.Body.WriteAsync(PixelGif.Bytes, ct);
    }

    private static async Task SegmentAsync(string route, HttpContext http, CollectorService collector, CancellationToken ct)
    {
        var isBatch = SegmentRoutes.IsBatchRoute(route);
        MessageType routeType = default;
        if (!isBatch && !SegmentRoutes.TryGetRouteType(route, out routeType))
        {
            await WriteAsync(http, Results.Json(new ErrorBody($"There is no route /v1/{route}; use track, identify, page, screen, group, alias or batch (or t, i, p, s, g, a, b).", "route"), statusCode: StatusCodes.Status404NotFound));
            return;
        }

        if (collector.RefuseOrigin(http.Request) is { } refused)
        {
            await WriteAsync(http, refused);
            return;
        }
        if (!TryReadEncoding(http.Request, out var encoding))
        {
            await WriteAsync(http, ErrorResponses.UnsupportedEncoding($"The Content-Encoding '{http.Request.Headers.ContentEncoding}' is not supported; send the body as it is, or with gzip, deflate or br."));
            return;
        }

        var limit = CollectionLimits.MaxBatchBytes;
        var field = isBatch ? "batch" : "body";
        if (http.Request.ContentLength > limit)
        {
            await WriteAsync(http, ErrorResponses.TooLarge($"The body is {http.Request.ContentLength} bytes; the limit is {limit} bytes (500 KB) per request; nothing was recorded.", field));
            return;
        }

        var body = await ReadBodyAsync(http.Request.Body, http.Request.ContentLength, limit, ct);
        try
        {
            if (body.TooLarge)
            {
                await WriteAsync(http, ErrorResponses.TooLarge($"The body is over {limit} bytes (500 KB), the limit per request; nothing was recorded.", field));
                return;
            }
            if (encoding is not null)
            {
                Body decoded;
                try
                {
                    decoded = await DecompressAsync(body, encoding, limit, ct);
                }
                catch (InvalidDataException ex)
                {
                    await WriteAsync(http, ErrorResponses.BadRequest($"The body is not valid {encoding} data: {ex.Message}", "Content-Encoding"));
                    return;
                }
                ArrayPool<byte>.Shared.Return(body.Bytes);
                body = decoded;
                if (body.TooLarge)
                {
                    await WriteAsync(http, ErrorResponses.TooLarge($"The body expands past {limit} bytes (500 KB) once {encoding}-decoded, the limit per request; nothing was recorded.", field));
                    return;
                }
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body.Bytes.AsMemory(0, body.Length));
            }
            catch (JsonException ex)
            {
                await WriteAsync(http, ErrorResponses.BadRequest($"The body is not valid JSON: {ex.Message}", "body"));
                return;
            }

            using (document)
            {
                var root = document.RootElement;
                var writeKey = WriteKeyAuth.From(http.Request, root, out var invalidKey);
                if (invalidKey is not null)
                {
                    await WriteAsync(http, ErrorResponses.BadRequest(invalidKey, "writeKey"));
                    return;
                }
                if (!collector.IsAccepted(writeKey))
                {
                    await WriteAsync(http, ErrorResponses.Unauthorized(UnknownKeyMessage(writeKey)));
                    return;
                }
                var privacy = collector.PrivacyFor(http.Request);
                var context = collector.Context(http, writeKey!, privacy);
                var result = isBatch
                    ? SegmentBatchReader.Read(root, body.Length, context)
                    : SegmentMessageReader.Read(root, routeType, body.Length, context);
                var failure = await collector.AcceptAsync(http, result, privacy, ct);
                if (failure is not null)
                {
                    await WriteAsync(http, failure);
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body.Bytes);
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = SuccessBody.Length;
        await http.Response.Body.WriteAsync(SuccessBody, ct);
    }

    /// <summary>The settings document analytics.js loads from its CDN, pointing it back at this collector.</summary>
    private static IResult Settings(string writeKey, HttpContext http, CollectorService collector)
    {
        if (collector.RefuseOrigin(http.Request) is { } refused) return refused;
        if (!collector.IsAccepted(writeKey)) return ErrorResponses.Unauthorized(UnknownKeyMessage(writeKey));
        var baseUri = collector.PublicBaseUri(http.Request);
        return Results.Json(new
        {
            integrations = new Dictionary<string, object>
            {
                ["Segment.io"] = new
                {
                    apiKey = writeKey,
                    apiHost = $"{baseUri.Authority}{baseUri.AbsolutePath.TrimEnd('/')}/v1",
                    protocol = baseUri.Scheme,
                    unbundledIntegrations = Array.Empty<string>(),
                    addBundledMetadata = true,
                },
            },
            plan = new { track = new { __default = new { enabled = true, integrations = new { } } }, identify = new { __default = new { enabled = true } }, group = new { __default = new { enabled = true } } },
            edgeFunction = new { },
            analyticsNextEnabled = true,
            middlewareSettings = new { },
            enabledMiddleware = new { },
            metrics = new { sampleRate = 0 },
            legacyVideoPluginsEnabled = false,
            remotePlugins = Array.Empty<object>(),
        });
    }

    private static string UnknownKeyMessage(string? writeKey) => string.IsNullOrEmpty(writeKey)
        ? "No write key was sent (use Basic auth 'writeKey:', a bearer token, writeKey in the body, or k= on the pixel)."
        : $"The write key '{writeKey}' is not accepted by this collector.";

    private static Task WriteAsync(HttpContext http, IResult result) => result.ExecuteAsync(http);

    private readonly record struct Body(byte[] Bytes, int Length, bool TooLarge);

    /// <summary>
    /// The body's <c>Content-Encoding</c>: null for none (or <c>identity</c>), else <c>gzip</c>,
    /// <c>deflate</c> or <c>br</c>; false for any other (or a chain of several).
    /// </summary>
    private static bool TryReadEncoding(HttpRequest request, out string? encoding)
    {
        switch (request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant())
        {
            case "" or "identity": encoding = null; return true;
            case "gzip" or "x-gzip": encoding = "gzip"; return true;
            case "deflate": encoding = "deflate"; return true;
            case "br": encoding = "br"; return true;
            default: encoding = null; return false;
        }
    }

    /// <summary>
    /// Decodes a compressed body into a new pooled buffer, stopping one byte past <paramref name="limit"/>:
    /// the limit applies to the decoded body, so a small bomb costs at most the limit in memory.
    /// </summary>
    private static async Task<Body> DecompressAsync(Body compressed, string encoding, int limit, CancellationToken ct)
    {
        var input = new MemoryStream(compressed.Bytes, 0, compressed.Length, writable: false);
        await using Stream decoder = encoding switch
        {
            "gzip" => new GZipStream(input, CompressionMode.Decompress),
            "br" => new BrotliStream(input, CompressionMode.Decompress),
            // HTTP's "deflate" is zlib (RFC 9110), but some clients send raw deflate: the zlib header tells them apart.
            _ => IsZlibHeader(compressed) ? new ZLibStream(input, CompressionMode.Decompress) : new DeflateStream(input, CompressionMode.Decompress),
        };
        return await ReadBodyAsync(decoder, lengthHint: null, limit, ct);
    }

    private static bool IsZlibHeader(Body body) =>
        body.Length >= 2 && (body.Bytes[0] & 0x0F) == 8 && ((body.Bytes[0] << 8) | body.Bytes[1]) % 31 == 0;

    /// <summary>Reads a stream into a pooled buffer, stopping one byte past the limit.</summary>
    private static async Task<Body> ReadBodyAsync(Stream stream, long? lengthHint, int limit, CancellationToken ct)
    {
        var capacity = lengthHint is { } length and >= 0 ? (int)Math.Min(length + 1, limit + 1) : 16 * 1024;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > limit) return new Body(buffer, total, true);
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1 + 1024));
                Buffer.BlockCopy(buffer, 0, bigger, 0, total);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }
            var read = await stream.ReadAsync(buffer.AsMemory(total, Math.Min(buffer.Length, limit + 1) - total), ct);
            if (read == 0) break;
            total += read;
            if (total > limit) return new Body(buffer, total, true);
        }
        return new Body(buffer, total, false);
    }
}
