using System.Security.Cryptography;

namespace Journey.Domain.Collection;

/// <summary>Message ids the collector assigns when a client sent none.</summary>
public static class MessageIds
{
    public const string Prefix = "journey-";

    /// <summary>Random bytes drawn from the OS generator 4 KB at a time (one system call per 256 ids, not one per id).</summary>
    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_used;

    /// <summary>A new random id: "journey-" and 32 hex digits (128 bits from the cryptographic generator).</summary>
    public static string New()
    {
        const int IdBytes = 16;
        var random = t_random ??= new byte[4096];
        if (t_used == 0 || t_used + IdBytes > random.Length)
        {
            RandomNumberGenerator.Fill(random);
            t_used = 0;
        }

        var offset = t_used;
        t_used += IdBytes;
        return string.Create(Prefix.Length + (2 * IdBytes), (random, offset), static (chars, state) =>
        {
            Prefix.CopyTo(chars);
            Convert.TryToHexStringLower(state.random.AsSpan(state.offset, IdBytes), chars[Prefix.Length..], out _);
        });
    }

    /// <summary>An id derived from the message's bytes (for imports: the same line gets the same id).</summary>
    public static string FromContent(ReadOnlySpan<byte> utf8)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8, hash);
        return Prefix + Convert.ToHexStringLower(hash[..16]);
    }
}
