using Journey.Domain.Customers;
using Journey.Domain.Serialization;

namespace Journey.Domain.Metrics;

/// <summary>
/// A 64-bit fingerprint (FNV-1a) of a <see cref="Predictions"/>, so the daily job can tell which
/// customers' predictions changed without keeping the stored ones. 0 stands for "none".
/// </summary>
public static class PredictionsHash
{
    public static ulong Of(Predictions? p)
    {
        if (p is null) return 0;
        var h = new Fnv1a();
        Add(ref h, p.AsOf);
        Add(ref h, p.RfmSegment);
        Add(ref h, p.ProbabilityAlive);
        Add(ref h, p.ExpectedPurchases30);
        Add(ref h, p.ExpectedPurchases90);
        Add(ref h, p.ExpectedPurchases365);
        Add(ref h, p.ExpectedOrderValue);
        Add(ref h, p.PredictedClv);
        Add(ref h, p.HistoricalClv);
        return h.Value == 0 ? 1 : h.Value;
    }

    private static void Add(ref Fnv1a h, string? s)
    {
        if (s is null)
        {
            h.Add(0xFF);
            return;
        }
        foreach (var ch in s)
        {
            h.Add(unchecked((byte)ch));
            h.Add(unchecked((byte)(ch >> 8)));
        }
        h.Add(0xFE);
    }

    private static void Add(ref Fnv1a h, double? d)
    {
        if (d is null)
        {
            h.Add(0xFD);
            return;
        }
        var bits = unchecked((ulong)BitConverter.DoubleToInt64Bits(d.Value == 0 ? 0 : d.Value)); // -0 and 0 are the same figure
        for (var i = 0; i < 8; i++) h.Add(unchecked((byte)(bits >> (8 * i))));
    }
}
