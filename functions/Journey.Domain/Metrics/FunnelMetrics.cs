using Journey.Domain.Customers;

namespace Journey.Domain.Metrics;

/// <summary>The <c>funnel</c> metrics document.</summary>
public sealed record FunnelMetrics(
    long Customers,
    IReadOnlyList<FunnelStage> Stages,
    IReadOnlyList<FunnelSegment> ByChannel,
    IReadOnlyList<FunnelSegment> ByFirstDevice);

/// <summary>
/// One stage: the customers who reached it (or a later one) by D, the conversion from the previous
/// stage in percent (null for the first), and the median days from first seen to reaching it.
/// </summary>
public sealed record FunnelStage(string Stage, long Customers, double? ConversionFromPrevious, double? MedianDaysFromFirstSeen = null);

public sealed record FunnelSegment(string Segment, long Customers, IReadOnlyList<FunnelStage> Stages);

/// <summary>
/// The stage funnel, accumulated one customer at a time. A customer counts for a stage when they
/// reached it or a later one by D (stages may be skipped: an order on the first visit passes
/// Consideration); the time to a stage is that of the first of them.
/// </summary>
public sealed class FunnelAccumulator
{
    private static readonly Stage[] Stages = [Stage.Awareness, Stage.Consideration, Stage.Conversion, Stage.Retention, Stage.Advocacy];

    private readonly long[] _overall = new long[Stages.Length];
    private readonly List<double>[] _days = [.. Stages.Select(_ => new List<double>())];
    private readonly Dictionary<string, long[]> _byChannel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> _byDevice = new(StringComparer.Ordinal);
    private long _customers;

    public void Add(CustomerFacts c)
    {
        _customers++;
        var channel = Counts(_byChannel, c.Channel);
        var device = Counts(_byDevice, c.FirstDevice);
        for (var i = 0; i < Stages.Length; i++)
        {
            if (c.ReachedOrPassed(Stages[i]) is not { } at) continue;
            _overall[i]++;
            channel[i]++;
            device[i]++;
            _days[i].Add(Math.Max(0, (at - c.FirstSeen).TotalDays));
        }
    }

    private static long[] Counts(Dictionary<string, long[]> map, string key)
    {
        if (!map.TryGetValue(key, out var counts)) map[key] = counts = new long[Stages.Length + 1];
        counts[^1]++; // the segment's customers
        return counts;
    }

    public FunnelMetrics Result()
    {
        var overall = StageRows(_overall, i => Figures.Median(_days[i]) is { } m ? Figures.Round(m, 2) : null);
        return new FunnelMetrics(_customers, overall, Segments(_byChannel), Segments(_byDevice));
    }

    private static List<FunnelSegment> Segments(Dictionary<string, long[]> map) =>
        [.. map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new FunnelSegment(p.Key, p.Value[^1], StageRows(p.Value, _ => null)))];

    private static List<FunnelStage> StageRows(long[] counts, Func<int, double?> medianDays) =>
        [.. Stages.Select((stage, i) => new FunnelStage(
            stage.ToString(),
            counts[i],
            i == 0 ? null : Figures.Percent(counts[i], counts[i - 1]),
            medianDays(i)))];
}
