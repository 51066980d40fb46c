namespace Journey.Domain.Metrics;

/// <summary>The named RFM segments (JSON: snake_case names, see <see cref="RfmSegments.Name"/>).</summary>
public enum RfmSegment : byte
{
    None = 0,
    Champions,
    Loyal,
    PotentialLoyalists,
    New,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CantLose,
    Hibernating,
    Lost,
}

/// <summary>
/// RFM scoring among the customers with an order by D. Each of recency (days since the last
/// order; fewer is better), frequency (orders) and monetary (revenue) gets a quintile score 1-5:
/// score = 1 + ⌊5 · (customers with a worse value) / customers⌋, so equal values share a score
/// and every single-order customer has F = 1.
/// <para>Segments, from the recency score R and the frequency score F (M is reported, not used):</para>
/// <code>
///   R \ F |  1              2              3              4           5
///   ------+-----------------------------------------------------------------------
///     5   |  new            potential_loyalists           champions   champions
///     4   |  promising      potential_loyalists           loyal       loyal
///     3   |  about_to_sleep about_to_sleep need_attention loyal       loyal
///     2   |  hibernating    hibernating    at_risk        at_risk     cant_lose
///     1   |  lost           lost           at_risk        at_risk     cant_lose
/// </code>
/// </summary>
public static class RfmSegments
{
    /// <summary>The rule table above, in the order the rules are tried: (segment, R range, F range).</summary>
    public static readonly IReadOnlyList<(RfmSegment Segment, int RMin, int RMax, int FMin, int FMax)> Rules =
    [
        (RfmSegment.Champions, 5, 5, 4, 5),
        (RfmSegment.Loyal, 3, 4, 4, 5),
        (RfmSegment.PotentialLoyalists, 4, 5, 2, 3),
        (RfmSegment.New, 5, 5, 1, 1),
        (RfmSegment.Promising, 4, 4, 1, 1),
        (RfmSegment.NeedAttention, 3, 3, 3, 3),
        (RfmSegment.AboutToSleep, 3, 3, 1, 2),
        (RfmSegment.CantLose, 1, 2, 5, 5),
        (RfmSegment.AtRisk, 1, 2, 3, 4),
        (RfmSegment.Hibernating, 2, 2, 1, 2),
        (RfmSegment.Lost, 1, 1, 1, 2),
    ];

    public static RfmSegment Classify(int r, int f)
    {
        foreach (var (segment, rMin, rMax, fMin, fMax) in Rules)
        {
            if (r >= rMin && r <= rMax && f >= fMin && f <= fMax) return segment;
        }
        return RfmSegment.None;
    }

    public static string Name(RfmSegment segment) => segment switch
    {
        RfmSegment.Champions => "champions",
        RfmSegment.Loyal => "loyal",
        RfmSegment.PotentialLoyalists => "potential_loyalists",
        RfmSegment.New => "new",
        RfmSegment.Promising => "promising",
        RfmSegment.NeedAttention => "need_attention",
        RfmSegment.AboutToSleep => "about_to_sleep",
        RfmSegment.AtRisk => "at_risk",
        RfmSegment.CantLose => "cant_lose",
        RfmSegment.Hibernating => "hibernating",
        RfmSegment.Lost => "lost",
        _ => "none",
    };

    /// <summary>The quintile score of <paramref name="value"/> among <paramref name="sorted"/> (ascending): 1 + ⌊5 · below / n⌋.</summary>
    public static byte Score(ReadOnlySpan<double> sorted, double value, bool lowerIsBetter)
    {
        var n = sorted.Length;
        var worse = lowerIsBetter ? n - UpperBound(sorted, value) : LowerBound(sorted, value);
        return (byte)(1 + 5L * worse / n);
    }

    /// <summary>Scores every row and names its segment; returns the <c>rfm</c> metrics.</summary>
    internal static RfmMetrics Apply(Span<BuyerRow> rows)
    {
        var n = rows.Length;
        var recency = new double[n];
        var frequency = new double[n];
        var monetary = new double[n];
        for (var i = 0; i < n; i++)
        {
            recency[i] = rows[i].RecencyDays;
            frequency[i] = rows[i].Orders;
            monetary[i] = Math.Round(rows[i].Revenue, 2);
        }
        Array.Sort(recency);
        Array.Sort(frequency);
        Array.Sort(monetary);

        var grid = new long[6, 6];
        var bySegment = new Dictionary<RfmSegment, (long Customers, double Recency, double Orders, double Revenue)>();
        foreach (ref var row in rows)
        {
            row.R = Score(recency, row.RecencyDays, lowerIsBetter: true);
            row.F = Score(frequency, row.Orders, lowerIsBetter: false);
            row.M = Score(monetary, Math.Round(row.Revenue, 2), lowerIsBetter: false);
            row.Segment = Classify(row.R, row.F);
            grid[row.R, row.F]++;
            var s = bySegment.GetValueOrDefault(row.Segment);
            bySegment[row.Segment] = (s.Customers + 1, s.Recency + row.RecencyDays, s.Orders + row.Orders, s.Revenue + row.Revenue);
        }

        var segments = Rules.Select(rule =>
        {
            var s = bySegment.GetValueOrDefault(rule.Segment);
            return new RfmSegmentRow(
                Name(rule.Segment), s.Customers, Figures.PercentOrZero(s.Customers, n),
                s.Customers == 0 ? null : Figures.Round(s.Recency / s.Customers, 1),
                s.Customers == 0 ? null : Figures.Round(s.Orders / s.Customers, 2),
                s.Customers == 0 ? null : Figures.Round(s.Revenue / s.Customers, 2),
                Figures.Round(s.Revenue, 2));
        }).ToList();

        var cells = new List<RfmCell>();
        for (var r = 5; r >= 1; r--)
        {
            for (var f = 1; f <= 5; f++)
            {
                if (grid[r, f] > 0) cells.Add(new RfmCell(r, f, grid[r, f], Name(Classify(r, f))));
            }
        }
        return new RfmMetrics(n, segments, Ranges(recency, lowerIsBetter: true), Ranges(frequency, lowerIsBetter: false), Ranges(monetary, lowerIsBetter: false), cells);
    }

    /// <summary>For each score 1-5, the range of values that got it.</summary>
    private static List<RfmScoreRange> Ranges(double[] sorted, bool lowerIsBetter)
    {
        var count = new long[6];
        var min = new double?[6];
        var max = new double?[6];
        foreach (var v in sorted)
        {
            var score = Score(sorted, v, lowerIsBetter);
            count[score]++;
            min[score] = min[score] is { } lo ? Math.Min(lo, v) : v;
            max[score] = max[score] is { } hi ? Math.Max(hi, v) : v;
        }
        return [.. Enumerable.Range(1, 5).Select(score => new RfmScoreRange(score, count[score], min[score], max[score]))];
    }

    private static int LowerBound(ReadOnlySpan<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static int UpperBound(ReadOnlySpan<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}

/// <summary>The <c>rfm</c> metrics document.</summary>
public sealed record RfmMetrics(
    long Customers,
    IReadOnlyList<RfmSegmentRow> Segments,
    IReadOnlyList<RfmScoreRange> Recency,
    IReadOnlyList<RfmScoreRange> Frequency,
    IReadOnlyList<RfmScoreRange> Monetary,
    IReadOnlyList<RfmCell> Grid);

public sealed record RfmSegmentRow(string Segment, long Customers, double Share, double? AverageRecencyDays, double? AverageOrders, double? AverageRevenue, double Revenue);

/// <summary>The values (days, orders, revenue) that got one score.</summary>
public sealed record RfmScoreRange(int Score, long Customers, double? Min, double? Max);

/// <summary>Customers with recency score R and frequency score F, and the segment of that cell.</summary>
public sealed record RfmCell(int R, int F, long Customers, string Segment);
