using System.Security.Cryptography;

namespace Journey.Domain.Collection;

/// <summary>Message ids the collector assigns when a client sent none.</summary>
public static class MessageIds
{
    public const string Prefix = "journey-";

    /// <summary>A new random id: "journey-" and 32 hex digits.</summary>
    public static string New() => Prefix + Guid.NewGuid().ToString("N");

    /// <summary>An id derived from the message's bytes (for imports: the same line gets the same id).</summary>
    public static string FromContent(ReadOnlySpan<byte> utf8)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8, hash);
        return Prefix + Convert.ToHexStringLower(hash[..16]);
    }
}
