using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Journey.Domain.Actions;

/// <summary>
/// The signed token of an unsubscribe link (<c>{Actions:PublicBaseUrl}/unsubscribe?t=…</c>): the customer id and
/// the time the link was made, signed with HMAC-SHA256 under the shop's secret (<c>Actions:UnsubscribeSecret</c>).
/// The token is <c>base64url(payload).base64url(mac)</c>, where the payload is a version byte (1), the issue time in
/// Unix seconds (8 bytes, big-endian) and the customer id in UTF-8; both parts are URL-safe base64 without padding,
/// so the token goes into a query string as it is. Verification compares the MAC in constant time. A link does not
/// expire: RFC 8058 expects an unsubscribe link to keep working.
/// </summary>
public sealed class UnsubscribeToken
{
    /// <summary>The shortest secret accepted: 32 bytes, the HMAC-SHA256 block's half and the hash's size.</summary>
    public const int MinSecretBytes = 32;

    /// <summary>The longest customer id a token carries (a customer id is a userId or an anonymousId).</summary>
    public const int MaxCustomerIdBytes = 512;

    private const byte Version = 1;
    private const int HeaderBytes = 1 + sizeof(long);
    private const int MacBytes = 32;
    private readonly byte[] _secret;

    /// <param name="secret">At least <see cref="MinSecretBytes"/> bytes.</param>
    public UnsubscribeToken(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < MinSecretBytes) throw new ArgumentException($"The unsubscribe secret must be at least {MinSecretBytes} bytes (was {secret.Length}).", nameof(secret));
        _secret = secret.ToArray();
    }

    /// <summary>The signer for a base64 secret (the form of <c>Actions:UnsubscribeSecret</c>).</summary>
    /// <exception cref="ArgumentException">The secret is not base64, or is shorter than <see cref="MinSecretBytes"/> bytes.</exception>
    public static UnsubscribeToken FromBase64Secret(string secret)
    {
        var problem = SecretProblem(secret);
        if (problem is not null) throw new ArgumentException(problem, nameof(secret));
        return new UnsubscribeToken(Convert.FromBase64String(secret.Trim()));
    }

    /// <summary>What is wrong with a base64 secret, or null when it can sign.</summary>
    public static string? SecretProblem(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret)) return "is empty";
        var buffer = new byte[secret.Length];
        if (!Convert.TryFromBase64String(secret.Trim(), buffer, out var length)) return "is not base64";
        return length < MinSecretBytes ? $"decodes to {length} bytes; at least {MinSecretBytes} are needed" : null;
    }

    /// <summary>The token for <paramref name="customerId"/>, made at <paramref name="issuedAt"/>.</summary>
    public string Sign(string customerId, DateTimeOffset issuedAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var id = Encoding.UTF8.GetBytes(customerId);
        if (id.Length > MaxCustomerIdBytes) throw new ArgumentException($"The customer id is {id.Length} bytes; a token carries at most {MaxCustomerIdBytes}.", nameof(customerId));
        var payload = new byte[HeaderBytes + id.Length];
        payload[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(1), issuedAt.ToUnixTimeSeconds());
        id.CopyTo(payload, HeaderBytes);
        var mac = HMACSHA256.HashData(_secret, payload);
        return $"{UrlBase64.Encode(payload)}.{UrlBase64.Encode(mac)}";
    }

    /// <summary>Checks a token; a malformed, tampered or foreign one (signed under another secret) is refused with the reason.</summary>
    public UnsubscribeTokenCheck Verify(string? token)
    {
        if (string.IsNullOrWhiteSpace(token)) return UnsubscribeTokenCheck.Refused("The token is missing.");
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == token.Length - 1 || token.IndexOf('.', dot + 1) >= 0)
            return UnsubscribeTokenCheck.Refused("The token is malformed: it must be two base64url parts separated by a dot.");
        var payload = UrlBase64.Decode(token.AsSpan(0, dot));
        var mac = UrlBase64.Decode(token.AsSpan(dot + 1));
        if (payload is null || mac is null) return UnsubscribeTokenCheck.Refused("The token is malformed: a part is not URL-safe base64.");
        if (payload.Length <= HeaderBytes || payload.Length > HeaderBytes + MaxCustomerIdBytes || mac.Length != MacBytes)
            return UnsubscribeTokenCheck.Refused("The token is malformed: a part has the wrong length.");
        var expected = HMACSHA256.HashData(_secret, payload);
        if (!CryptographicOperations.FixedTimeEquals(expected, mac))
            return UnsubscribeTokenCheck.Refused("The token's signature does not match: it was altered or not issued by this shop.");
        if (payload[0] != Version) return UnsubscribeTokenCheck.Refused($"The token has version {payload[0]}; only version {Version} is known.");
        string customerId;
        try
        {
            customerId = new UTF8Encoding(false, true).GetString(payload, HeaderBytes, payload.Length - HeaderBytes);
        }
        catch (DecoderFallbackException)
        {
            return UnsubscribeTokenCheck.Refused("The token's customer id is not UTF-8.");
        }
        var seconds = BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(1));
        if (seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            return UnsubscribeTokenCheck.Refused("The token's issue time is out of range.");
        return new UnsubscribeTokenCheck(customerId, DateTimeOffset.FromUnixTimeSeconds(seconds), null);
    }

    private static class UrlBase64
    {
        public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static byte[]? Decode(ReadOnlySpan<char> text)
        {
            if (text.IsEmpty) return null;
            var builder = new StringBuilder(text.Length + 3);
            foreach (var c in text)
            {
                if (c is '+' or '/' or '=') return null;
                builder.Append(c switch { '-' => '+', '_' => '/', _ => c });
            }
            if (builder.Length % 4 == 1) return null;
            builder.Append('=', (4 - (builder.Length % 4)) % 4);
            var buffer = new byte[builder.Length];
            return Convert.TryFromBase64String(builder.ToString(), buffer, out var length) ? buffer[..length] : null;
        }
    }
}

/// <summary>The result of <see cref="UnsubscribeToken.Verify"/>: the customer and the issue time, or why the token is refused.</summary>
public sealed record UnsubscribeTokenCheck(string? CustomerId, DateTimeOffset? IssuedAt, string? Error)
{
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(CustomerId), nameof(IssuedAt))]
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Error is null;

    public static UnsubscribeTokenCheck Refused(string error) => new(null, null, error);
}
