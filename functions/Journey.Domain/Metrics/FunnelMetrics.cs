using System.Runtime.InteropServices;
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
/// stage in percent (null for the first), the median days from first seen to reaching it, and the
/// median days from reaching the previous stage to reaching this one among the customers who reached
/// both (null for the first stage and when no customer reached it).
/// </summary>
public sealed record FunnelStage(
    string Stage, long Customers, double? ConversionFromPrevious, double? MedianDaysFromFirstSeen = null, double? MedianDaysFromPrevious = null);

public sealed record FunnelSegment(string Segment, long Customers, IReadOnlyList<FunnelStage> Stages);

/// <summary>
/// The stage funnel, accumulated one customer at a time, overall and per acquisition channel and
/// first device. A customer counts for a stage when they reached it or a later one by D (stages may
/// be skipped: an order on the first visit passes Consideration, in 0 days from Awareness); the time
/// to a stage is that of the first of them. The days are kept as 4-byte floats (a few per customer
/// and grouping: about 60 MB at most for a million customers who all reach every stage), so the
/// medians are exact to far below the two decimals they are given with.
/// </summary>
public sealed class FunnelAccumulator
{
    private static readonly Stage[] Stages = [Stage.Awareness, Stage.Consideration, Stage.Conversion, Stage.Retention, Stage.Advocacy];

    private readonly StageFigures _overall = new();
    private readonly Dictionary<string, StageFigures> _byChannel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StageFigures> _byDevice = new(StringComparer.Ordinal);
    private readonly DateTimeOffset?[] _reached = new DateTimeOffset?[Stages.Length];

    public void Add(CustomerFacts c)
    {
        ArgumentNullException.ThrowIfNull(c);
        for (var i = 0; i < Stages.Length; i++) _reached[i] = c.ReachedOrPassed(Stages[i]);
        _overall.Add(_reached, c.FirstSeen);
        Segment(_byChannel, c.Channel).Add(_reached, c.FirstSeen);
        Segment(_byDevice, c.FirstDevice).Add(_reached, c.FirstSeen);
    }

    private static StageFigures Segment(Dictionary<string, StageFigures> map, string key)
    {
        ref var figures = ref CollectionsMarshal.GetValueRefOrAddDefault(map, key, out _);
        return figures ??= new StageFigures();
    }

    public FunnelMetrics Result() =>
        new(_overall.Customers, _overall.Rows(), Segments(_byChannel), Segments(_byDevice));

    private static List<FunnelSegment> Segments(Dictionary<string, StageFigures> map) =>
        [.. map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new FunnelSegment(p.Key, p.Value.Customers, p.Value.Rows()))];

    /// <summary>The counts and the days of one group of customers (everyone, or one segment).</summary>
    private sealed class StageFigures
    {
        private readonly long[] _counts = new long[Stages.Length];
        private readonly List<float>[] _fromFirstSeen = [.. Stages.Select(_ => new List<float>())];
        private readonly List<float>[] _fromPrevious = [.. Stages.Select(_ => new List<float>())];

        public long Customers { get; private set; }

        public void Add(DateTimeOffset?[] reached, DateTimeOffset firstSeen)
        {
            Customers++;
            for (var i = 0; i < reached.Length; i++)
            {
                if (reached[i] is not { } at) continue;
                _counts[i]++;
                _fromFirstSeen[i].Add(Days(firstSeen, at));
                // Reached-or-passed times never decrease along the stages, so the previous one is there too.
                if (i > 0 && reached[i - 1] is { } previous) _fromPrevious[i].Add(Days(previous, at));
            }
        }

        private static float Days(DateTimeOffset from, DateTimeOffset to) => (float)Math.Max(0, (to - from).TotalDays);

        public List<FunnelStage> Rows() =>
            [.. Stages.Select((stage, i) => new FunnelStage(
                stage.ToString(),
                _counts[i],
                i == 0 ? null : Figures.Percent(_counts[i], _counts[i - 1]),
                Figures.Median(_fromFirstSeen[i]) is { } first ? Figures.Round(first, 2) : null,
                i > 0 && Figures.Median(_fromPrevious[i]) is { } previous ? Figures.Round(previous, 2) : null))];
    }
}
