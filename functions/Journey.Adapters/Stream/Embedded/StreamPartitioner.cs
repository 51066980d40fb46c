using System.Buffers;
using System.Text;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>
/// Maps a profile key to its partition: FNV-1a (32 bit) over the key's UTF-8 bytes, mixed with the
/// murmur3 finalizer so that every bit of the key reaches the low bits, modulo the partition count.
/// The mapping is part of the on-disk format: it must never change (and never use
/// <see cref="string.GetHashCode()"/>, which differs between processes).
/// </summary>
public static class StreamPartitioner
{
    /// <summary>The partition (0..<paramref name="partitions"/>-1) of a profile key.</summary>
    public static int PartitionOf(string profileKey, int partitions)
    {
        ArgumentNullException.ThrowIfNull(profileKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        return (int)(Hash(profileKey) % (uint)partitions);
    }

    /// <summary>The stable 32-bit hash of a key.</summary>
    public static uint Hash(string key)
    {
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        var buffer = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = Encoding.UTF8.GetBytes(key, buffer);
            return Hash(buffer[..length]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>FNV-1a over the bytes, then the murmur3 32-bit finalizer.</summary>
    public static uint Hash(ReadOnlySpan<byte> utf8)
    {
        unchecked
        {
            var h = 2166136261u;
            foreach (var b in utf8)
            {
                h ^= b;
                h *= 16777619u;
            }

            h ^= h >> 16;
            h *= 0x85ebca6bu;
            h ^= h >> 13;
            h *= 0xc2b2ae35u;
            h ^= h >> 16;
            return h;
        }
    }
}
