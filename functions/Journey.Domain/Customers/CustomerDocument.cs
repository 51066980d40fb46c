using System.Text.Json;

namespace Journey.Domain.Customers;

/// <summary>
/// The <c>customers</c> document: one per customer, keyed by the profile id (the userId once
/// known, else the first anonymousId). A profile merged into another keeps a small redirect
/// document (<see cref="MergedInto"/>) so that later events of its id reach the merged profile.
/// Everything under <see cref="Journey"/> is the processor's own state; the rest is the
/// projection BI tools read.
/// </summary>
public sealed class CustomerDocument
{
    public required string Id { get; set; }
    public string Type { get; set; } = "customer";

    // identity
    public string? UserId { get; set; }
    public List<string> AnonymousIds { get; set; } = [];
    public List<string> MergedIds { get; set; } = [];

    /// <summary>Set on a redirect: this id's profile now lives in that document.</summary>
    public string? MergedInto { get; set; }

    /// <summary>On a redirect whose merge has not completed yet: the profile being moved.</summary>
    public CustomerDocument? PendingMerge { get; set; }

    public JsonElement? Traits { get; set; }

    /// <summary>Event time of the identify call the traits came from (the latest wins).</summary>
    public DateTimeOffset? TraitsAt { get; set; }

    // projection
    public Acquisition? Acquisition { get; set; }
    /// <summary>
    /// The furthest stage of the customer's journey; outside the domain set only with the journey, by
    /// <see cref="FollowJourney"/> (the setter is the JSON reader's: a stored document is read as written).
    /// </summary>
    [System.Text.Json.Serialization.JsonInclude]
    public Stage Stage { get; internal set; }

    /// <summary>When each stage was reached.</summary>
    [System.Text.Json.Serialization.JsonInclude]
    public IReadOnlyDictionary<Stage, DateTimeOffset> StageReachedAt { get; internal set; } = new Dictionary<Stage, DateTimeOffset>();
    public Lifecycle Lifecycle { get; set; } = new();
    public SessionStats Sessions { get; set; } = new();
    public SortedDictionary<string, long> Counters { get; set; } = new(StringComparer.Ordinal);
    public CartStats Carts { get; set; } = new();
    public OrderStats Orders { get; set; } = new();
    public AmountStats Cancels { get; set; } = new();
    public AmountStats Returns { get; set; } = new();
    public RatingStats Ratings { get; set; } = new();
    public EmailStats Email { get; set; } = new();
    public Predictions? Predictions { get; set; }

    /// <summary>Distinct UTC days (yyyy-MM-dd) with any activity, for visitor retention.</summary>
    public List<string> ActiveDays { get; set; } = [];

    public DateTimeOffset? FirstSeen { get; set; }
    public DateTimeOffset? LastSeen { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The processor's state: the events the projection is folded from.</summary>
    public JourneyState Journey { get; set; } = new();

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsRedirect => MergedInto is not null;

    /// <summary>
    /// The one way the document's stages change: they become those of <paramref name="journey"/>, the
    /// fold of the customer's events, whose stages only ever moved forward (<see cref="FoldState.Enter"/>).
    /// A late event may tell a different story than the events before it did (say, two sessions that
    /// were one): the document then follows the fold, so that it and its transitions always agree.
    /// </summary>
    public void FollowJourney(FoldState journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        StageReachedAt = new Dictionary<Stage, DateTimeOffset>(journey.StageReachedAt);
        Stage = journey.Stage;
    }
}

public sealed class Acquisition
{
    public string? Channel { get; set; }
    public string? Source { get; set; }
    public string? Medium { get; set; }
    public string? Campaign { get; set; }
    public string? Referrer { get; set; }
    public string? LandingPage { get; set; }
    public string? FirstDevice { get; set; }
    public DateTimeOffset FirstSeen { get; set; }

    /// <summary>The message the acquisition was taken from (the earliest by event time).</summary>
    public string? MessageId { get; set; }
}

/// <summary>
/// Whether a customer is slipping away. <see cref="LastSeen"/> is kept by the processor; <see cref="Status"/>
/// and <see cref="Since"/> are the daily job's, as of its date (a patch, like the predictions): the
/// processor never writes a status of its own, so a status does not depend on when events happened
/// to be processed.
/// </summary>
public sealed class Lifecycle
{
    /// <summary>active, at_risk or lapsed as of the daily job's date (<see cref="Metrics.LifecycleRule"/>); null until the job first counted the customer.</summary>
    public string? Status { get; set; }

    /// <summary>The as-of date (yyyy-MM-dd) of the first daily run that found <see cref="Status"/>.</summary>
    public string? Since { get; set; }

    /// <summary>The time of the customer's latest event.</summary>
    public DateTimeOffset? LastSeen { get; set; }
}

public sealed class SessionStats
{
    public long Count { get; set; }
    public long Bounces { get; set; }
    public long PageViews { get; set; }
    public double TotalSeconds { get; set; }
    public double TimeOnPageSeconds { get; set; }
    public long TimedPageViews { get; set; }
    public double AverageTimeOnPageSeconds => TimedPageViews == 0 ? 0 : Math.Round(TimeOnPageSeconds / TimedPageViews, 3);
    public DateTimeOffset? LastStart { get; set; }
    public string? LastChannel { get; set; }
    public SortedDictionary<string, long> ByChannel { get; set; } = new(StringComparer.Ordinal);
}

public sealed class CartStats
{
    public decimal OpenValue { get; set; }
    public long OpenItems { get; set; }
    public DateTimeOffset? OpenSince { get; set; }
    public DateTimeOffset? LastActivity { get; set; }
    public long Created { get; set; }
    public long Converted { get; set; }
    public long Abandoned { get; set; }

    /// <summary>
    /// The latest cart, kept after it was abandoned (so a reminder can name its items): when it was
    /// opened (its key), how it ended (<see cref="CartOutcomes"/>) and its lines. Null before the first cart.
    /// </summary>
    public LastCart? Last { get; set; }
}

/// <summary>The latest cart of a customer: opened at <see cref="Since"/>, ended as <see cref="Outcome"/>.</summary>
public sealed class LastCart
{
    public required DateTimeOffset Since { get; set; }

    /// <summary>One of <see cref="CartOutcomes"/>.</summary>
    public string Outcome { get; set; } = CartOutcomes.Open;

    public List<CartLine> Lines { get; set; } = [];

    public LastCart Copy() => new() { Since = Since, Outcome = Outcome, Lines = [.. Lines] };
}

/// <summary>A product in a cart: quantity and unit price.</summary>
public sealed record CartLine(string? ProductId, string? Name, long Quantity, decimal? Price);

/// <summary>How a cart ended.</summary>
public static class CartOutcomes
{
    public const string Open = "open";
    public const string Ordered = "ordered";
    public const string Emptied = "emptied";

    /// <summary>No activity for the abandonment window, and a later event came.</summary>
    public const string Abandoned = "abandoned";
}

public sealed class OrderStats
{
    public long Count { get; set; }
    public decimal Revenue { get; set; }
    public DateTimeOffset? First { get; set; }
    public DateTimeOffset? Last { get; set; }
    public decimal AverageOrderValue => Count == 0 ? 0 : Math.Round(Revenue / Count, 2);
    public string? FirstCategory { get; set; }
    public string? FirstChannel { get; set; }

    /// <summary>Every order (id, time, revenue), for cohorts and CLV.</summary>
    public List<OrderEntry> History { get; set; } = [];
}

public sealed record OrderEntry(string OrderId, DateTimeOffset At, decimal Revenue, string? Category);

public sealed class AmountStats
{
    public long Count { get; set; }
    public decimal Value { get; set; }
    public DateTimeOffset? Last { get; set; }
}

public sealed class RatingStats
{
    public long Reviews { get; set; }
    public double ReviewRatingSum { get; set; }

    /// <summary>Reviews rated 4 or 5 (of 5).</summary>
    public long PositiveReviews { get; set; }
    public double? AverageReviewRating => Reviews == 0 ? null : Math.Round(ReviewRatingSum / Reviews, 3);
    public long CsatResponses { get; set; }
    public long CsatSatisfied { get; set; }

    /// <summary>Share of feedback responses rated 4 or 5 (of 5), in percent.</summary>
    public double? Csat => CsatResponses == 0 ? null : Math.Round(100.0 * CsatSatisfied / CsatResponses, 1);
}

public sealed class EmailStats
{
    public long Opened { get; set; }
    public long Clicked { get; set; }
    public DateTimeOffset? LastOpened { get; set; }
    public DateTimeOffset? LastClicked { get; set; }

    /// <summary>Orders completed within the attribution window after an email click.</summary>
    public long OrdersAfterClick { get; set; }
}

/// <summary>Written by the daily job.</summary>
public sealed class Predictions
{
    public double? ProbabilityAlive { get; set; }
    public double? ExpectedPurchases30 { get; set; }
    public double? ExpectedPurchases90 { get; set; }
    public double? ExpectedPurchases365 { get; set; }
    public double? ExpectedOrderValue { get; set; }
    public double? PredictedClv { get; set; }
    public double? HistoricalClv { get; set; }
    public string? RfmSegment { get; set; }
    public string? AsOf { get; set; }
}
