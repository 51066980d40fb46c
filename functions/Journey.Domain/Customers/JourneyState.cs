namespace Journey.Domain.Customers;

/// <summary>
/// The processor's state inside a customer document. The projection is a fold, in event-time
/// order, of <see cref="Timeline"/> starting from <see cref="Baseline"/>: late events are
/// inserted where they belong, duplicates are recognised by message id, and re-applying a batch
/// is recognised by stream position (<see cref="Positions"/>).
/// </summary>
public sealed class JourneyState
{
    /// <summary>The events not yet compacted, in event-time order.</summary>
    public List<TimelineEntry> Timeline { get; set; } = [];

    /// <summary>Fold state after the compacted events (null until the timeline was first compacted).</summary>
    public FoldState? Baseline { get; set; }

    /// <summary>Message ids of compacted events, kept for duplicate detection (bounded).</summary>
    public List<string> CompactedMessageIds { get; set; } = [];

    /// <summary>True once the oldest compacted message ids were dropped (stream positions then also guard against replays).</summary>
    public bool ForgotCompactedIds { get; set; }

    /// <summary>Per stream partition, the highest sequence number applied to this profile.</summary>
    public SortedDictionary<string, long> Positions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The transition documents this document implies, one summary each (with a fingerprint of the
    /// whole document), so that a write touches only the transition documents that changed.
    /// </summary>
    public List<TransitionSummary> Transitions { get; set; } = [];
}

/// <summary>One event as the fold needs it; compact, because a document holds many.</summary>
public sealed record TimelineEntry
{
    /// <summary>Message id.</summary>
    public required string Id { get; init; }

    /// <summary>Event time.</summary>
    public required DateTimeOffset T { get; init; }

    /// <summary>Stream sequence number: orders events of the same instant as they arrived (e.g. the items of one batch).</summary>
    public long S { get; init; }

    /// <summary>Counter name (track event name, or "Page Viewed" etc. for other message types).</summary>
    public required string N { get; init; }

    /// <summary>Channel of the hit.</summary>
    public string? Ch { get; init; }

    /// <summary>Device class of the hit.</summary>
    public string? Dev { get; init; }

    /// <summary>Page kind for page views: "policy" for about/returns/size-guide pages.</summary>
    public string? Pk { get; init; }

    /// <summary>Monetary value (revenue, cart line value, refund) or rating.</summary>
    public decimal? V { get; init; }

    /// <summary>Quantity for cart events.</summary>
    public long? Q { get; init; }

    /// <summary>Order id for order events.</summary>
    public string? O { get; init; }

    /// <summary>Product category (first purchase category).</summary>
    public string? Cat { get; init; }

    /// <summary>Product id (or SKU) for cart events: the open cart's lines.</summary>
    public string? P { get; init; }

    /// <summary>Product name for cart events, for the cart reminder.</summary>
    public string? Pn { get; init; }
}

/// <summary>
/// A transition document as its customer document records it: the stage change and the
/// <see cref="Hash"/> of the whole transition document (<see cref="TransitionDocument.Fingerprint"/>),
/// which tells whether anything in it changed (a late event can change its micro-conversions or the
/// acquisition channel without moving the stage). Null in documents written before the hash existed.
/// </summary>
public sealed record TransitionSummary(Stage From, Stage To, DateTimeOffset At, string MessageId, string? Hash = null);

/// <summary>A stage change found by the fold, with what the transition document needs.</summary>
public sealed record TransitionRecord
{
    public required Stage From { get; init; }
    public required Stage To { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string TriggerEvent { get; init; }
    public required string TriggerMessageId { get; init; }
    public required string Rule { get; init; }
    public string? Channel { get; init; }
    public double DaysSinceFirstTouch { get; init; }
    public long SessionsSinceFirstTouch { get; init; }
    public SortedDictionary<string, long> MicroConversions { get; init; } = new(StringComparer.Ordinal);

}
