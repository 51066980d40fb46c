using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Journey.Domain.Customers;

namespace Journey.Domain.Metrics;

/// <summary>
/// The <c>journey</c> metrics document: how customers flow between stages (a Sankey), what precedes
/// each transition, and the most common paths to the first order, from the transition documents as of D.
/// </summary>
/// <param name="Customers">Customers with a transition by D (every journey starts with the entry into Awareness).</param>
public sealed record JourneyMapMetrics(
    long Customers,
    IReadOnlyList<JourneyMapStage> Stages,
    IReadOnlyList<JourneyMapLink> Links,
    IReadOnlyList<JourneyMapTransition> Transitions,
    JourneyMapPaths PathsToFirstOrder);

/// <summary>A stage: customers who entered it by D, who went on to a later stage, and who stopped there (their furthest stage).</summary>
public sealed record JourneyMapStage(string Stage, long Reached, long Advanced, long Stopped);

/// <summary>A (from, to) pair customers took (skips included), with the median days between reaching the two.</summary>
public sealed record JourneyMapLink(string From, string To, long Customers, double MedianDays);

/// <summary>
/// The transitions into one stage: the micro-conversions done in the stage left, the trigger events
/// and the channels of the sessions they happened in (each list the top 12).
/// </summary>
public sealed record JourneyMapTransition(
    string To, long Customers, IReadOnlyList<JourneyMapMicroConversion> MicroConversions, IReadOnlyList<JourneyMapShare> Triggers, IReadOnlyList<JourneyMapShare> Channels);

/// <summary>A micro-conversion: the customers who did it in the stage they left, their share (%), and how often they did it on average.</summary>
public sealed record JourneyMapMicroConversion(string Name, long Customers, double Share, double Mean);

/// <summary>A name (trigger event, channel) with its customers and share (%).</summary>
public sealed record JourneyMapShare(string Name, long Customers, double Share);

/// <summary>The paths to the first order: <paramref name="Buyers"/> customers reached Conversion by D; the top 10 paths.</summary>
public sealed record JourneyMapPaths(long Buyers, IReadOnlyList<JourneyMapPath> Paths);

/// <summary>
/// One path: its steps, the buyers who took it and their share of all buyers (%), and the median days
/// and sessions from the first touch to the first order.
/// </summary>
public sealed record JourneyMapPath(IReadOnlyList<JourneyMapStep> Steps, long Customers, double Share, double MedianDays, double MedianSessions);

/// <summary>A step of a path: the stage entered and the channel of the session it was entered in.</summary>
public sealed record JourneyMapStep(string Stage, string Channel);

/// <summary>
/// The journey map, accumulated one transition document at a time, in any order. What a transition
/// tells on its own (its target's micro-conversions, trigger and channel) is counted as it comes; what
/// needs a customer's transitions together (their furthest stage, the days between stages, their
/// path) is kept per customer in a compact fixed-size entry (the stage entries' days, channel and
/// origin), keyed by the customer id: about 50 bytes plus the id per customer, nothing per document.
/// Transitions after D are left out, so a run for a past date gives that date's figures.
/// </summary>
public sealed class JourneyMapAccumulator(DateOnly asOf)
{
    /// <summary>The longest list of micro-conversions, triggers or channels per target stage.</summary>
    public const int MaxListEntries = 12;

    /// <summary>The number of paths to the first order listed.</summary>
    public const int MaxPaths = 10;

    /// <summary>The name of a missing channel (as <see cref="CustomerFacts"/> names a missing acquisition channel).</summary>
    public const string UnknownChannel = "unknown";

    private const int StageCount = 5; // Awareness..Advocacy, index (int)stage - 1
    private const ushort OtherChannel = ushort.MaxValue; // past 65,535 distinct channels (never in practice)

    private readonly AsOf _when = new(asOf);
    private readonly Dictionary<string, CustomerJourney> _customers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ushort> _channelIds = new(StringComparer.Ordinal);
    private readonly List<string> _channels = [];
    private readonly TargetCounts[] _targets = [.. Enumerable.Range(0, StageCount).Select(_ => new TargetCounts())];

    /// <summary>Transitions counted (at or before the end of D).</summary>
    public long Counted { get; private set; }

    /// <summary>Transitions left out: after D, or a second document for a stage the customer already entered.</summary>
    public long Skipped { get; private set; }

    /// <summary>Customers with a transition counted so far.</summary>
    public int Customers => _customers.Count;

    public void Add(TransitionDocument transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        var to = Index(transition.To);
        if (to < 0 || !_when.Includes(transition.At))
        {
            Skipped++;
            return;
        }
        ref var customer = ref CollectionsMarshal.GetValueRefOrAddDefault(_customers, transition.CustomerId, out _);
        var bit = (byte)(1 << to);
        if ((customer.Reached & bit) != 0)
        {
            Skipped++; // one document per stage per customer: never twice in a scan, but counted once if it were
            return;
        }
        Counted++;
        customer.Reached |= bit;
        var channel = transition.Channel ?? UnknownChannel;
        customer.Steps[to] = new Step((float)transition.DaysSinceFirstTouch, ChannelId(channel), (byte)(Index(transition.From) + 1));
        if (transition.To == Stage.Conversion) customer.ConversionSessions = (int)Math.Clamp(transition.SessionsSinceFirstTouch, 0, int.MaxValue);
        if (transition.To > Stage.Awareness) _targets[to].Add(transition, channel);
    }

    public JourneyMapMetrics Result()
    {
        var reached = new long[StageCount];
        var advanced = new long[StageCount];
        var links = new LinkCounts?[StageCount * StageCount];
        var paths = new Dictionary<ulong, PathCounts>();
        long buyers = 0;
        foreach (var (_, c) in _customers)
        {
            var furthest = BitOperations.Log2(c.Reached); // the highest stage index entered
            for (var s = 0; s < StageCount; s++)
            {
                if ((c.Reached & (1 << s)) == 0) continue;
                reached[s]++;
                if (s < furthest) advanced[s]++;
                var step = c.Steps[s];
                if (step.From == 0) continue; // the entry into the journey (None → Awareness)
                var from = step.From - 1;
                var link = links[from * StageCount + s] ??= new LinkCounts();
                link.Customers++;
                if ((c.Reached & (1 << from)) != 0) link.Days.Add(Math.Max(0, (double)step.Days - c.Steps[from].Days));
            }
            var conversion = Index(Stage.Conversion);
            if ((c.Reached & (1 << conversion)) == 0) continue;
            buyers++;
            var key = PathKey(c, conversion);
            if (!paths.TryGetValue(key, out var path)) paths[key] = path = new PathCounts();
            path.Days.Add(c.Steps[conversion].Days);
            path.Sessions.Add(c.ConversionSessions);
        }

        var stages = new List<JourneyMapStage>(StageCount);
        for (var s = 0; s < StageCount; s++) stages.Add(new JourneyMapStage(StageOf(s).ToString(), reached[s], advanced[s], reached[s] - advanced[s]));
        var linkRows = new List<JourneyMapLink>();
        for (var i = 0; i < links.Length; i++)
        {
            if (links[i] is not { } link) continue;
            var median = Figures.Median(link.Days) is { } m ? Figures.Round(m, 2) : 0;
            linkRows.Add(new JourneyMapLink(StageOf(i / StageCount).ToString(), StageOf(i % StageCount).ToString(), link.Customers, median));
        }
        var transitions = new List<JourneyMapTransition>(StageCount - 1);
        for (var s = 1; s < StageCount; s++) transitions.Add(_targets[s].Result(StageOf(s).ToString()));
        return new JourneyMapMetrics(_customers.Count, stages, linkRows, transitions, new JourneyMapPaths(buyers, TopPaths(paths, buyers)));
    }

    private List<JourneyMapPath> TopPaths(Dictionary<ulong, PathCounts> paths, long buyers)
    {
        // Ranked by buyers, then by the steps' names (never by the ids, which follow the scan's order).
        var ranked = paths.Select(p => (Steps: StepsOf(p.Key), Counts: p.Value))
            .Select(p => (p.Steps, p.Counts, Name: string.Join('>', p.Steps.Select(s => s.Stage + "|" + s.Channel))))
            .OrderByDescending(p => p.Counts.Days.Count)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .Take(MaxPaths);
        return [.. ranked.Select(p => new JourneyMapPath(
            p.Steps,
            p.Counts.Days.Count,
            Figures.PercentOrZero(p.Counts.Days.Count, buyers),
            Figures.Round(Figures.Median(p.Counts.Days) ?? 0, 2),
            Figures.Round(Figures.Median(p.Counts.Sessions) ?? 0, 2)))];
    }

    /// <summary>The path up to Conversion as one number: per stage entered, 1 bit (entered) and 16 bits (channel id).</summary>
    private static ulong PathKey(in CustomerJourney c, int conversion)
    {
        ulong key = 0;
        for (var s = 0; s <= conversion; s++)
        {
            key <<= 17;
            if ((c.Reached & (1 << s)) != 0) key |= (1UL << 16) | c.Steps[s].Channel;
        }
        return key;
    }

    private List<JourneyMapStep> StepsOf(ulong key)
    {
        var conversion = Index(Stage.Conversion);
        var steps = new List<JourneyMapStep>(conversion + 1);
        for (var s = 0; s <= conversion; s++)
        {
            var part = (key >> (17 * (conversion - s))) & 0x1FFFF;
            if ((part & (1UL << 16)) == 0) continue;
            var channel = (ushort)(part & 0xFFFF);
            steps.Add(new JourneyMapStep(StageOf(s).ToString(), channel == OtherChannel ? "other" : _channels[channel]));
        }
        return steps;
    }

    private ushort ChannelId(string channel)
    {
        if (_channelIds.TryGetValue(channel, out var id)) return id;
        if (_channels.Count >= OtherChannel) return OtherChannel;
        id = (ushort)_channels.Count;
        _channels.Add(channel);
        _channelIds[channel] = id;
        return id;
    }

    private static int Index(Stage stage) => stage is >= Stage.Awareness and <= Stage.Advocacy ? (int)stage - 1 : -1;

    private static Stage StageOf(int index) => (Stage)(index + 1);

    /// <summary>A stage entry: days since the first touch, the session's channel (an id), and the stage left plus one (0: none).</summary>
    private readonly record struct Step(float Days, ushort Channel, byte From);

    [InlineArray(StageCount)]
    private struct StepsByStage
    {
        private Step _first;
    }

    /// <summary>What a customer's transitions leave: the stages entered (a bit each) and each entry.</summary>
    private struct CustomerJourney
    {
        public StepsByStage Steps;
        public byte Reached;
        public int ConversionSessions;
    }

    private sealed class LinkCounts
    {
        public long Customers;
        public List<double> Days { get; } = [];
    }

    private sealed class PathCounts
    {
        public List<double> Days { get; } = [];
        public List<double> Sessions { get; } = [];
    }

    /// <summary>The transitions into one stage: their micro-conversions, triggers and channels.</summary>
    private sealed class TargetCounts
    {
        private readonly Dictionary<string, (long Customers, long Total)> _microConversions = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _triggers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _channels = new(StringComparer.Ordinal);
        private long _customers;

        public void Add(TransitionDocument t, string channel)
        {
            _customers++;
            foreach (var (name, count) in t.MicroConversions)
            {
                if (count <= 0) continue;
                ref var m = ref CollectionsMarshal.GetValueRefOrAddDefault(_microConversions, name, out _);
                m = (m.Customers + 1, m.Total + count);
            }
            CollectionsMarshal.GetValueRefOrAddDefault(_triggers, t.TriggerEvent, out _)++;
            CollectionsMarshal.GetValueRefOrAddDefault(_channels, channel, out _)++;
        }

        public JourneyMapTransition Result(string to) => new(
            to,
            _customers,
            [.. Top(_microConversions, static v => v.Customers).Select(p => new JourneyMapMicroConversion(
                p.Key, p.Value.Customers, Figures.PercentOrZero(p.Value.Customers, _customers), Figures.Round((double)p.Value.Total / p.Value.Customers, 2)))],
            [.. Top(_triggers, static v => v).Select(p => new JourneyMapShare(p.Key, p.Value, Figures.PercentOrZero(p.Value, _customers)))],
            [.. Top(_channels, static v => v).Select(p => new JourneyMapShare(p.Key, p.Value, Figures.PercentOrZero(p.Value, _customers)))]);

        private static IEnumerable<KeyValuePair<string, T>> Top<T>(Dictionary<string, T> map, Func<T, long> customers) =>
            map.OrderByDescending(p => customers(p.Value)).ThenBy(p => p.Key, StringComparer.Ordinal).Take(MaxListEntries);
    }
}
