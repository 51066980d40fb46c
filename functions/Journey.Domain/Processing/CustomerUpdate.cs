using System.Runtime.CompilerServices;
using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Enrichment;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Stages;

namespace Journey.Domain.Processing;

/// <summary>One event with the stream position it came from.</summary>
public sealed record PositionedEvent(JourneyEvent Event, TimelineEntry Entry, StreamRecord Record);

/// <summary>
/// A customer's last fold, kept in memory with its document so that the next batch does not
/// start over: <see cref="State"/> is the fold of <see cref="Baseline"/> and the first
/// <see cref="Count"/> timeline entries, the last of which is <see cref="Last"/>; <see cref="KnownIds"/>
/// holds every message id of the timeline and of the compacted events. Each is used only while
/// what it was computed from is provably unchanged, and otherwise recomputed. <see cref="State"/>
/// is the very state the document was last projected from: the next refold extends it in place
/// and projects the document again, so nothing but that document may hold on to it.
/// </summary>
internal sealed class FoldMemo(FoldState state, FoldState? baseline, int count, TimelineEntry last)
{
    public FoldState State { get; } = state;

    public FoldState? Baseline { get; } = baseline;

    public int Count { get; } = count;

    public TimelineEntry Last { get; } = last;

    public HashSet<string>? KnownIds { get; set; }
}

/// <summary>
/// The state changes of one customer document: adding events (dropping those already applied),
/// absorbing a merged profile, compacting the timeline and re-folding the projection.
/// </summary>
/// <remarks>
/// A document's last fold (<see cref="FoldMemo"/>) is kept beside the document object while that
/// object lives (the processor's cache holds the documents it wrote last), never in the document:
/// a document read from the store is a new object and starts without one.
/// </remarks>
public sealed class CustomerUpdate(JourneyFold fold, JourneyRulesOptions options)
{
    private const int MaxCompactedIds = 5000;

    private readonly ConditionalWeakTable<JourneyState, FoldMemo> _memos = [];

    private long _extendedFolds;

    /// <summary>Refolds that went on from the document's last fold instead of folding its whole timeline.</summary>
    internal long ExtendedFolds => Interlocked.Read(ref _extendedFolds);

    /// <summary>A new, empty profile document.</summary>
    public static CustomerDocument NewProfile(string id) => new() { Id = id };

    /// <summary>
    /// Adds the events that this document has not seen. Duplicates are recognised by message id;
    /// once the document had to forget the ids of its oldest compacted events, an unknown id at or
    /// below the highest stream position already applied from its partition is taken for a replay
    /// too. (Before that, position alone cannot decide: one batch may carry events of the same
    /// person under two ids, applied as two groups in either order.) Returns how many were added;
    /// when none was, the document is left unchanged.
    /// </summary>
    public int AddEvents(CustomerDocument doc, IReadOnlyList<PositionedEvent> events) => AddEvents(doc, events, added: null);

    /// <summary>As <see cref="AddEvents(CustomerDocument, IReadOnlyList{PositionedEvent})"/>; each event added is also put in <paramref name="added"/>.</summary>
    public int AddEvents(CustomerDocument doc, IReadOnlyList<PositionedEvent> events, ICollection<PositionedEvent>? added)
    {
        var journey = doc.Journey;
        _memos.TryGetValue(journey, out var memo);
        var known = memo?.KnownIds is { } memoized && memoized.Count == journey.Timeline.Count + journey.CompactedMessageIds.Count
            ? memoized // every id is in exactly one of the two lists, so a set of the same size is that union
            : KnownIds(journey);
        if (memo is not null) memo.KnownIds = known; // grows with the events added below
        var count = 0;
        var maxPositions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pe in events)
        {
            var partition = pe.Record.Partition;
            var seq = pe.Record.SequenceNumber;
            if (seq > maxPositions.GetValueOrDefault(partition, -1)) maxPositions[partition] = seq;
            if (known.Contains(pe.Entry.Id)) continue;
            if (journey.ForgotCompactedIds && journey.Positions.TryGetValue(partition, out var applied) && seq <= applied) continue;

            known.Add(pe.Entry.Id);
            journey.Timeline.Add(pe.Entry);
            AdoptIdentity(doc, pe.Event);
            AdoptAcquisition(doc, pe.Event);
            AdoptTraits(doc, pe.Event);
            added?.Add(pe);
            count++;
        }
        // A group of events all applied already leaves the document as it was.
        if (count == 0) return 0;
        foreach (var (partition, seq) in maxPositions)
        {
            if (seq > journey.Positions.GetValueOrDefault(partition, -1)) journey.Positions[partition] = seq;
        }
        return count;
    }

    /// <summary>Moves everything of <paramref name="source"/> (a profile being merged away) into <paramref name="target"/>. Idempotent.</summary>
    public void Absorb(CustomerDocument target, string sourceId, CustomerDocument source)
    {
        if (target.MergedIds.Contains(sourceId)) return;
        _memos.Remove(target.Journey); // a new baseline and ids: the next refold starts over
        var known = KnownIds(target.Journey);
        foreach (var entry in source.Journey.Timeline)
        {
            if (known.Add(entry.Id)) target.Journey.Timeline.Add(entry);
        }
        foreach (var id in source.Journey.CompactedMessageIds)
        {
            if (known.Add(id)) target.Journey.CompactedMessageIds.Add(id);
        }
        target.Journey.ForgotCompactedIds |= source.Journey.ForgotCompactedIds;
        foreach (var (partition, seq) in source.Journey.Positions)
        {
            if (seq > target.Journey.Positions.GetValueOrDefault(partition, -1)) target.Journey.Positions[partition] = seq;
        }
        target.Journey.Baseline = FoldStates.Combine(target.Journey.Baseline, source.Journey.Baseline);

        if (source.UserId is null) AddDistinct(target.AnonymousIds, sourceId);
        target.UserId ??= source.UserId;
        foreach (var id in source.AnonymousIds) AddDistinct(target.AnonymousIds, id);
        AddDistinct(target.MergedIds, sourceId);
        foreach (var id in source.MergedIds) AddDistinct(target.MergedIds, id);

        if (source.Acquisition is { } acquisition && (target.Acquisition is null || IsEarlier(acquisition.FirstSeen, acquisition.MessageId, target.Acquisition)))
            target.Acquisition = acquisition;
        if (source.TraitsAt is { } at && (target.TraitsAt is null || at > target.TraitsAt))
        {
            target.Traits = EmailOptOut.KeepOptOut(target.Traits, source.Traits);
            target.TraitsAt = at;
        }
        else
        {
            target.Traits = EmailOptOut.KeepOptOut(source.Traits, target.Traits);
        }
    }

    /// <summary>
    /// Compacts an over-long timeline, then re-folds and projects. Returns the fold result.
    /// When the document still carries its last fold and every entry added since sorts after the
    /// ones that fold covered (events arriving in time order, the usual case), the fold goes on
    /// from there: the same result as folding the whole timeline again (the fold is a left fold),
    /// without the cost of it on every batch of a long-lived customer.
    /// </summary>
    public FoldState Refold(CustomerDocument doc, DateTimeOffset now)
    {
        var journey = doc.Journey;
        _memos.TryGetValue(journey, out var memo);
        _memos.Remove(journey);
        var extend = memo is not null && CoversPrefix(memo, journey);
        journey.Timeline.Sort(TimelineOrder.Instance);
        var known = memo?.KnownIds;
        if (journey.Timeline.Count > options.CompactAbove)
        {
            if (Compact(journey)) known = null; // ids were forgotten: the set no longer matches
            extend = false;
        }

        FoldState state;
        if (extend)
        {
            state = memo!.State;
            Interlocked.Increment(ref _extendedFolds);
            for (var i = memo.Count; i < journey.Timeline.Count; i++) fold.Apply(state, journey.Timeline[i]);
        }
        else
        {
            state = fold.Fold(journey.Baseline, journey.Timeline);
        }

        CustomerProjection.Apply(doc, state, now, options);
        if (journey.Timeline.Count > 0)
            _memos.AddOrUpdate(journey, new FoldMemo(state, journey.Baseline, journey.Timeline.Count, journey.Timeline[^1]) { KnownIds = known });
        return state;
    }

    /// <summary>
    /// The transition documents <paramref name="doc"/> implies as it is (none for a redirect): its
    /// timeline folded again from its baseline. Changes nothing, the document included.
    /// </summary>
    public IReadOnlyList<TransitionDocument> TransitionsOf(CustomerDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        if (doc.IsRedirect) return [];
        var timeline = new List<TimelineEntry>(doc.Journey.Timeline);
        timeline.Sort(TimelineOrder.Instance);
        return CustomerProjection.Transitions(doc, fold.Fold(doc.Journey.Baseline, timeline));
    }

    /// <summary>True while <paramref name="doc"/>'s last fold is kept beside it (for tests).</summary>
    internal bool HasMemo(CustomerDocument doc) => _memos.TryGetValue(doc.Journey, out _);

    /// <summary>Forgets <paramref name="doc"/>'s last fold, so the next refold folds the whole timeline (for tests).</summary>
    internal void ForgetMemo(CustomerDocument doc) => _memos.Remove(doc.Journey);

    /// <summary>
    /// True when the (not yet sorted) timeline still starts with exactly the entries the memo
    /// folded, on the same baseline, and every entry after them sorts after its last one: sorting
    /// then leaves that prefix in place, so folding on from the memo equals folding it all.
    /// </summary>
    private static bool CoversPrefix(FoldMemo memo, JourneyState journey)
    {
        var timeline = journey.Timeline;
        if (!ReferenceEquals(memo.Baseline, journey.Baseline) || timeline.Count < memo.Count || !ReferenceEquals(timeline[memo.Count - 1], memo.Last))
            return false;
        for (var i = memo.Count; i < timeline.Count; i++)
        {
            if (TimelineOrder.Instance.Compare(timeline[i], memo.Last) <= 0) return false;
        }
        return true;
    }

    /// <summary>Folds the oldest entries into the baseline; true when it had to forget compacted message ids.</summary>
    private bool Compact(JourneyState journey)
    {
        var cut = journey.Timeline.Count - options.CompactKeep;
        var compacted = journey.Timeline.GetRange(0, cut);
        journey.Baseline = fold.Fold(journey.Baseline, compacted);
        journey.Timeline.RemoveRange(0, cut);
        journey.CompactedMessageIds.AddRange(compacted.Select(e => e.Id));
        if (journey.CompactedMessageIds.Count <= MaxCompactedIds) return false;
        journey.CompactedMessageIds.RemoveRange(0, journey.CompactedMessageIds.Count - MaxCompactedIds);
        journey.ForgotCompactedIds = true;
        return true;
    }

    private static HashSet<string> KnownIds(JourneyState journey)
    {
        var known = new HashSet<string>(journey.Timeline.Count + journey.CompactedMessageIds.Count, StringComparer.Ordinal);
        foreach (var e in journey.Timeline) known.Add(e.Id);
        foreach (var id in journey.CompactedMessageIds) known.Add(id);
        return known;
    }

    private static void AdoptIdentity(CustomerDocument doc, JourneyEvent e)
    {
        if (e.UserId is not null && doc.UserId is null && doc.Id == e.UserId) doc.UserId = e.UserId;
        if (e.AnonymousId is not null) AddDistinct(doc.AnonymousIds, e.AnonymousId);
    }

    private static void AdoptAcquisition(CustomerDocument doc, JourneyEvent e)
    {
        if (e.Type is MessageType.Identify or MessageType.Alias or MessageType.Group) return;
        if (doc.Acquisition is not null && !IsEarlier(e.Timestamp, e.MessageId, doc.Acquisition)) return;
        var attribution = ChannelClassifier.Classify(e.Page, e.Campaign);
        doc.Acquisition = new Acquisition
        {
            Channel = e.Channel ?? attribution.Channel,
            Source = attribution.Source,
            Medium = attribution.Medium,
            Campaign = attribution.Campaign,
            Referrer = e.Page?.Referrer,
            LandingPage = e.Page?.Url ?? e.Page?.Path,
            FirstDevice = e.Device == DeviceClass.Unknown ? null : e.Device.ToString().ToLowerInvariant(),
            FirstSeen = e.Timestamp.ToUniversalTime(),
            MessageId = e.MessageId,
        };
    }

    private static void AdoptTraits(CustomerDocument doc, JourneyEvent e)
    {
        if (e.Traits is null || e.Traits.Value.ValueKind != System.Text.Json.JsonValueKind.Object) return;
        // The latest identify's traits win, but an email opt-out stays until a trait lifts it (whatever the arrival order).
        if (doc.TraitsAt is not null && e.Timestamp < doc.TraitsAt)
        {
            doc.Traits = EmailOptOut.KeepOptOut(e.Traits, doc.Traits);
            return;
        }
        doc.Traits = EmailOptOut.KeepOptOut(doc.Traits, e.Traits);
        doc.TraitsAt = e.Timestamp.ToUniversalTime();
    }

    private static bool IsEarlier(DateTimeOffset t, string? messageId, Acquisition current) =>
        t < current.FirstSeen || (t == current.FirstSeen && string.CompareOrdinal(messageId, current.MessageId) < 0);

    private static void AddDistinct(List<string> list, string value)
    {
        if (!list.Contains(value, StringComparer.Ordinal)) list.Add(value);
    }
}

/// <summary>Event-time order; events of the same instant in arrival (stream) order, then by message id, so every replica folds the same way.</summary>
public sealed class TimelineOrder : IComparer<TimelineEntry>
{
    public static readonly TimelineOrder Instance = new();

    public int Compare(TimelineEntry? x, TimelineEntry? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var byTime = x.T.CompareTo(y.T);
        if (byTime != 0) return byTime;
        var bySequence = x.S.CompareTo(y.S);
        return bySequence != 0 ? bySequence : string.CompareOrdinal(x.Id, y.Id);
    }
}
