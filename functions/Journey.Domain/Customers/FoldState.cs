namespace Journey.Domain.Customers;

/// <summary>
/// Everything the journey fold accumulates: the projection parts of the customer document and
/// the running values the stage rules and sessionization need. Serializable, because it is
/// also the baseline a compacted timeline starts from.
/// </summary>
public sealed class FoldState
{
    public Stage Stage { get; set; }
    public Dictionary<Stage, DateTimeOffset> StageReachedAt { get; set; } = [];
    public SessionStats Sessions { get; set; } = new();
    public SortedDictionary<string, long> Counters { get; set; } = new(StringComparer.Ordinal);
    public CartStats Carts { get; set; } = new();
    public OrderStats Orders { get; set; } = new();
    public AmountStats Cancels { get; set; } = new();
    public AmountStats Returns { get; set; } = new();
    public RatingStats Ratings { get; set; } = new();
    public EmailStats Email { get; set; } = new();
    public HashSet<string> ActiveDays { get; set; } = new(StringComparer.Ordinal);
    public DateTimeOffset? FirstSeen { get; set; }
    public DateTimeOffset? LastSeen { get; set; }
    public List<TransitionRecord> Transitions { get; set; } = [];
    public long LateBeyondHorizon { get; set; }

    // running values
    public long ProductViews { get; set; }
    public bool SearchSeen { get; set; }
    public bool SearchThenView { get; set; }
    public bool PolicyPageViewed { get; set; }
    public bool CartOrWishlistAdded { get; set; }
    public DateTimeOffset? LastEventAt { get; set; }
    public DateTimeOffset? SessionStart { get; set; }
    public long SessionPageViews { get; set; }
    public long SessionOtherViews { get; set; }
    public long SessionInteractions { get; set; }
    public DateTimeOffset? LastPageViewAt { get; set; }
    public bool SessionAfterFirstOrder { get; set; }
    public bool PostPurchaseEngaged { get; set; }
    public bool RepeatOrderOnAnotherDay { get; set; }
    public bool AdvocacyAction { get; set; }
    public HashSet<string> OrderIds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The UTC day last added to <see cref="ActiveDays"/> (working value, not stored).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTime? LastActiveDay { get; set; }

    /// <summary>Micro-conversions counted since the customer entered the current stage.</summary>
    public SortedDictionary<string, long> MicroConversionsInStage { get; set; } = new(StringComparer.Ordinal);
}
