using System.Text;
using System.Text.Json;

namespace Journey.Functions.Collector;

/// <summary>Finds the write key of a Segment request: Basic auth (<c>writeKey:</c>), a bearer token, or <c>writeKey</c> in the body.</summary>
internal static class WriteKeyAuth
{
    public static string? From(HttpRequest request, JsonElement? body)
    {
        var header = request.Headers.Authorization.FirstOrDefault();
        if (header is not null)
        {
            if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                    var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                    var key = colon < 0 ? decoded : decoded[..colon];
                    if (key.Length > 0) return key;
                }
                catch (FormatException)
                {
                    return null;
                }
            }
            else if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                var token = header["Bearer ".Length..].Trim();
                if (token.Length > 0) return token;
            }
        }
        if (body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("writeKey", out var wk) && wk.ValueKind == JsonValueKind.String)
            return wk.GetString();
        return null;
    }
}
