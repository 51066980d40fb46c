using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Journey.Functions.Collector;

/// <summary>
/// <c>GET /journey.js</c>: the first-party tracker (<c>Collector/journey.js</c>, embedded in the
/// assembly so <c>dotnet run</c> and the published package serve the same bytes), with an ETag and
/// an hour of caching.
/// </summary>
public static class TrackerScript
{
    public const string Path = "/journey.js";
    public const string ContentType = "text/javascript; charset=utf-8";
    public const string CacheControl = "public, max-age=3600";

    private static readonly Lazy<(byte[] Bytes, string ETag)> Script = new(Load);

    /// <summary>The script's bytes, as served.</summary>
    public static ReadOnlyMemory<byte> Bytes => Script.Value.Bytes;

    /// <summary>The strong ETag of the script: its SHA-256, quoted.</summary>
    public static string ETag => Script.Value.ETag;

    public static void MapTrackerScript(this IEndpointRouteBuilder app) => app.MapGet(Path, ServeAsync);

    private static async Task ServeAsync(HttpContext http, CancellationToken ct)
    {
        var (bytes, etag) = Script.Value;
        var headers = http.Response.Headers;
        headers.ETag = etag;
        headers.CacheControl = CacheControl;
        headers.XContentTypeOptions = "nosniff";
        if (EntityTagHeaderValue.TryParseList(http.Request.Headers.IfNoneMatch, out var tags)
            && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(new EntityTagHeaderValue(etag), useStrongComparison: false)))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        http.Response.ContentType = ContentType;
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, ct);
    }

    private static (byte[] Bytes, string ETag) Load()
    {
        var assembly = typeof(TrackerScript).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("journey.js", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        return (bytes, $"\"{Convert.ToBase64String(SHA256.HashData(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}\"");
    }
}
