namespace Journey.Domain.Serialization;

/// <summary>The 64-bit FNV-1a hash: a cheap, stable fingerprint (not a cryptographic one) of bytes fed one at a time.</summary>
public struct Fnv1a
{
    private const ulong Offset = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    private ulong _hash;
    private bool _started;

    /// <summary>The hash of everything added so far.</summary>
    public readonly ulong Value => _started ? _hash : Offset;

    public void Add(byte b)
    {
        if (!_started)
        {
            _hash = Offset;
            _started = true;
        }
        _hash = unchecked((_hash ^ b) * Prime);
    }

    public void Add(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) Add(b);
    }

    /// <summary>The hash of <paramref name="bytes"/>, as 16 lower-case hex digits.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes)
    {
        var hash = new Fnv1a();
        hash.Add(bytes);
        return hash.Value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
