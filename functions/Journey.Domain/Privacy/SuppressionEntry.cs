namespace Journey.Domain.Privacy;

/// <summary>
/// One entry of the suppression list: the keyed hash of an id or email address of an erased person (never
/// the value itself), what kind of value it was, and when it was added.
/// </summary>
/// <param name="Hash">Lowercase hex HMAC-SHA256 of <see cref="SuppressionHash.Input"/> under the installation key; the entry's id.</param>
/// <param name="Kind">One of <see cref="SuppressionKinds"/>.</param>
/// <param name="At">When the erasure added it.</param>
public sealed record SuppressionEntry(string Hash, string Kind, DateTimeOffset At);

/// <summary>What a suppression entry was made from.</summary>
public static class SuppressionKinds
{
    /// <summary>A customer document id, a userId or an anonymousId (one namespace: a document id is one of the others).</summary>
    public const string Id = "id";

    /// <summary>An email address (trimmed, any case), as identify traits carry it.</summary>
    public const string Email = "email";
}

/// <summary>The keyed hash of the suppression list (HMAC-SHA256, hex).</summary>
public static class SuppressionHash
{
    /// <summary>Bytes of a new installation key.</summary>
    public const int KeyBytes = 32;

    /// <summary>The text hashed for a value of a kind: <c>{kind}:{value}</c>, an email trimmed and in upper case (case-insensitive).</summary>
    public static string Input(string kind, string value)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(value);
        return kind == SuppressionKinds.Email ? $"{kind}:{value.Trim().ToUpperInvariant()}" : $"{kind}:{value}";
    }

    /// <summary>Lowercase hex of HMAC-SHA256(key, <see cref="Input"/>).</summary>
    public static string Of(ReadOnlySpan<byte> key, string kind, string value)
    {
        var input = System.Text.Encoding.UTF8.GetBytes(Input(kind, value));
        Span<byte> mac = stackalloc byte[32];
        System.Security.Cryptography.HMACSHA256.HashData(key, input, mac);
        return Convert.ToHexStringLower(mac);
    }
}
