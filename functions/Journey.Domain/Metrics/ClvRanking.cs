using System.Text.Json;
using System.Text.Json.Nodes;

namespace Journey.Domain.Metrics;

/// <summary>
/// One bin of the CLV histogram: the customers whose CLV is at least <see cref="From"/> and below
/// <see cref="To"/>; the top bin has no <see cref="To"/> (open-ended). A negative value (a refund
/// larger than the orders) counts in the first bin.
/// </summary>
public sealed record ClvBin(double From, double? To, long Customers);

/// <summary>One of the customers with the highest CLV; the model's figures are null when it was not fitted.</summary>
public sealed record ClvTopCustomer(
    string Id,
    int Orders,
    double HistoricalClv,
    double? PredictedClv,
    double? ProbabilityAlive,
    double? ExpectedPurchases365,
    string Channel,
    string RfmSegment);

/// <summary>
/// The CLV histogram and the top customers, by predicted 12-month CLV when the model is fitted,
/// else by historical CLV (<see cref="PredictedMeasure"/>, <see cref="HistoricalMeasure"/>).
/// </summary>
internal static class ClvRanking
{
    public const string PredictedMeasure = "predictedClv";
    public const string HistoricalMeasure = "historicalClv";

    /// <summary>How many customers the top list names.</summary>
    public const int TopCount = 20;

    /// <summary>The closed bins cover the values up to this quantile; the open top bin holds the rest.</summary>
    private const double CoveredQuantile = 0.95;

    /// <summary>At most this many closed bins (and, with the round widths below, at least 12 when the values spread).</summary>
    private const int MaxClosedBins = 18;

    /// <summary>Round bin widths: these times a power of ten; consecutive ones differ by at most a factor 1.5.</summary>
    private static readonly double[] RoundWidths = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8];

    public static double Measure(in BuyerRow row) => row.Scored ? row.PredictedClv : row.Revenue;

    /// <summary>
    /// The histogram of the measure: closed bins of one round width from 0 up to (at least) the 95th
    /// percentile, 12 to 18 of them when the values spread over more than one width, then an
    /// open-ended top bin.
    /// </summary>
    public static IReadOnlyList<ClvBin> Histogram(ReadOnlySpan<BuyerRow> rows)
    {
        if (rows.Length == 0) return [];
        var values = new double[rows.Length];
        for (var i = 0; i < rows.Length; i++) values[i] = Measure(rows[i]);
        Array.Sort(values);
        var covered = values[Math.Min(values.Length - 1, (int)Math.Floor(CoveredQuantile * values.Length))];
        if (covered <= 0) covered = values[^1];
        var width = RoundWidth(covered / MaxClosedBins);
        var closed = Math.Clamp((int)Math.Ceiling(covered / width), 1, MaxClosedBins);
        if (closed * width <= covered) closed = Math.Min(MaxClosedBins, closed + 1); // the covered value itself in a closed bin
        var counts = new long[closed + 1];
        foreach (var v in values) counts[Math.Clamp((int)Math.Floor(v / width), 0, closed)]++;
        var bins = new List<ClvBin>(closed + 1);
        for (var b = 0; b <= closed; b++)
            bins.Add(new ClvBin(Figures.Round(b * width), b == closed ? null : Figures.Round((b + 1) * width), counts[b]));
        return bins;
    }

    /// <summary>The smallest round width (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten, at least 0.01) not below <paramref name="atLeast"/>.</summary>
    internal static double RoundWidth(double atLeast)
    {
        if (!(atLeast > 0.01)) return 0.01;
        var power = Math.Pow(10, Math.Floor(Math.Log10(atLeast)));
        foreach (var w in RoundWidths)
        {
            if (w * power >= atLeast * (1 - 1e-12)) return w * power;
        }
        return 10 * power;
    }

    /// <summary>The <see cref="TopCount"/> customers with the highest measure, ties by id; one pass with a small sorted buffer.</summary>
    public static IReadOnlyList<ClvTopCustomer> Top(ReadOnlySpan<BuyerRow> rows)
    {
        var best = new List<int>(TopCount + 1);
        for (var i = 0; i < rows.Length; i++)
        {
            if (best.Count == TopCount && !Before(rows[i], rows[best[^1]])) continue;
            var at = best.Count;
            while (at > 0 && Before(rows[i], rows[best[at - 1]])) at--;
            best.Insert(at, i);
            if (best.Count > TopCount) best.RemoveAt(TopCount);
        }
        var top = new List<ClvTopCustomer>(best.Count);
        foreach (var i in best)
        {
            ref readonly var row = ref rows[i];
            top.Add(new ClvTopCustomer(
                row.Id,
                row.Orders,
                Math.Round(row.Revenue, 2),
                row.Scored ? row.PredictedClv : null,
                row.Scored ? row.ProbabilityAlive : null,
                row.Scored ? row.ExpectedPurchases365 : null,
                row.Channel,
                RfmSegments.Name(row.Segment)));
        }
        return top;
    }

    /// <summary>Ranks <paramref name="a"/> before <paramref name="b"/>: a higher measure, or the same and a smaller id.</summary>
    private static bool Before(in BuyerRow a, in BuyerRow b)
    {
        var (x, y) = (Measure(a), Measure(b));
        return x != y ? x > y : string.CompareOrdinal(a.Id, b.Id) < 0;
    }
}

/// <summary>Takes erased people out of the <c>top</c> list of a <c>clv</c> document's data.</summary>
public static class ClvTopList
{
    /// <summary>
    /// The data without the <c>top</c> entries whose id is one of <paramref name="ids"/>, and how many were
    /// taken out; null when none was there (the document need not be written again).
    /// </summary>
    public static (JsonElement Data, int Removed)? Without(JsonElement data, IReadOnlySet<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("top", out var top) || top.ValueKind != JsonValueKind.Array) return null;
        var theirs = top.EnumerateArray().Count(e => e.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && ids.Contains(id.GetString()!));
        if (theirs == 0) return null;
        var node = JsonNode.Parse(data.GetRawText())!.AsObject();
        var list = node["top"]!.AsArray();
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (list[i]?["id"]?.GetValue<string>() is { } id && ids.Contains(id)) list.RemoveAt(i);
        }
        using var json = JsonDocument.Parse(node.ToJsonString());
        return (json.RootElement.Clone(), theirs);
    }
}
