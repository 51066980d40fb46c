using Journey.Domain.Customers;

namespace Journey.Domain.Metrics;

/// <summary>
/// A 64-bit fingerprint (FNV-1a) of a <see cref="Predictions"/>, so the daily job can tell which
/// customers' predictions changed without keeping the stored ones. 0 stands for "none".
/// </summary>
public static class PredictionsHash
{
    private const ulong Offset = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static ulong Of(Predictions? p)
    {
        if (p is null) return 0;
        var h = Offset;
        h = Add(h, p.AsOf);
        h = Add(h, p.RfmSegment);
        h = Add(h, p.ProbabilityAlive);
        h = Add(h, p.ExpectedPurchases30);
        h = Add(h, p.ExpectedPurchases90);
        h = Add(h, p.ExpectedPurchases365);
        h = Add(h, p.ExpectedOrderValue);
        h = Add(h, p.PredictedClv);
        h = Add(h, p.HistoricalClv);
        return h == 0 ? 1 : h;
    }

    private static ulong Add(ulong h, string? s)
    {
        if (s is null) return Mix(h, 0xFF);
        foreach (var ch in s)
        {
            h = Mix(h, unchecked((byte)ch));
            h = Mix(h, unchecked((byte)(ch >> 8)));
        }
        return Mix(h, 0xFE);
    }

    private static ulong Add(ulong h, double? d)
    {
        if (d is null) return Mix(h, 0xFD);
        var bits = unchecked((ulong)BitConverter.DoubleToInt64Bits(d.Value == 0 ? 0 : d.Value)); // -0 and 0 are the same figure
        for (var i = 0; i < 8; i++) h = Mix(h, unchecked((byte)(bits >> (8 * i))));
        return h;
    }

    private static ulong Mix(ulong h, byte b) => unchecked((h ^ b) * Prime);
}
