using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Journey.Testing;

/// <summary>
/// A receiver's check of a Standard Webhooks request, written from the specification apart from the production
/// signer: reads the three headers, decodes the <c>whsec_</c> secret, recomputes the HMAC-SHA256 of
/// <c>id.timestamp.body</c> with an <see cref="HMACSHA256"/> instance, compares each <c>v1</c> signature of the
/// space-separated list in fixed time, and rejects a timestamp more than the tolerance away from now.
/// </summary>
public static class IndependentWebhookVerifier
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>Null when the request is authentic and fresh; otherwise why not.</summary>
    public static string? Problem(string secret, IReadOnlyDictionary<string, string> headers, byte[] body, DateTimeOffset now)
    {
        if (!headers.TryGetValue("webhook-id", out var id) || id.Length == 0) return "no webhook-id";
        if (!headers.TryGetValue("webhook-timestamp", out var timestampText)) return "no webhook-timestamp";
        if (!headers.TryGetValue("webhook-signature", out var signatures)) return "no webhook-signature";
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return "webhook-timestamp is not unix seconds";
        var sent = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((now - sent).Duration() > Tolerance) return $"webhook-timestamp {sent:O} is too far from now {now:O}";
        if (!secret.StartsWith("whsec_", StringComparison.Ordinal)) return "the secret has no whsec_ prefix";

        using var hmac = new HMACSHA256(Convert.FromBase64String(secret["whsec_".Length..]));
        var signed = new List<byte>();
        signed.AddRange(Encoding.UTF8.GetBytes(id));
        signed.Add((byte)'.');
        signed.AddRange(Encoding.UTF8.GetBytes(timestampText));
        signed.Add((byte)'.');
        signed.AddRange(body);
        var expected = hmac.ComputeHash([.. signed]);

        foreach (var signature in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = signature.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || signature[..comma] != "v1") continue;
            byte[] given;
            try
            {
                given = Convert.FromBase64String(signature[(comma + 1)..]);
            }
            catch (FormatException)
            {
                continue;
            }

            if (CryptographicOperations.FixedTimeEquals(given, expected)) return null;
        }

        return "no v1 signature matches";
    }
}
