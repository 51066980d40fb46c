using System.Text;
using System.Text.Json;
using Journey.Domain.Collection;

namespace Journey.Functions.Collector;

/// <summary>Finds the write key of a Segment request: Basic auth (<c>writeKey:</c>), a bearer token, or <c>writeKey</c> in the body.</summary>
internal static class WriteKeyAuth
{
    /// <summary>
    /// The write key, or null when there is none. A key that is not valid UTF-8 (in the Basic auth
    /// header or the body) is no key either: then <paramref name="invalid"/> says why, for a 400 naming writeKey.
    /// </summary>
    public static string? From(HttpRequest request, JsonElement? body, out string? invalid)
    {
        invalid = null;
        var header = request.Headers.Authorization.FirstOrDefault();
        if (header is not null)
        {
            if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    var credentials = Convert.FromBase64String(header["Basic ".Length..].Trim()).AsSpan();
                    var colon = credentials.IndexOf((byte)':');
                    var keyBytes = colon < 0 ? credentials : credentials[..colon];
                    if (Utf8Text.Utf8Problem(keyBytes, "the key") is { } problem)
                    {
                        invalid = $"the write key in the Basic auth header is not valid UTF-8 ({problem})";
                        return null;
                    }
                    if (keyBytes.Length > 0) return Encoding.UTF8.GetString(keyBytes);
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
        {
            if (Utf8Text.StringProblem(wk) is { } problem)
            {
                invalid = $"writeKey is not valid UTF-8 ({problem})";
                return null;
            }
            return wk.GetString();
        }
        return null;
    }
}
