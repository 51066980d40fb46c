namespace Journey.Domain.Customers;

/// <summary>
/// Everything the journey fold accumulates: the projection parts of the customer document and
/// the running values the stage rules and sessionization need. Serializable, because it is
/// also the baseline a compacted timeline starts from.
/// </summary>
public sealed class FoldState
{
    public FoldState()
    {
    }

    /// <summary>
    /// A stored state (a baseline) read back: its stage and stage times are rebuilt from its transitions
    /// through <see cref="Enter"/>, in stage order (a baseline combined from two merged profiles by an
    /// older build may have recorded a transition's origin from the other profile: it is taken from the
    /// journey as rebuilt).
    /// </summary>
    [System.Text.Json.Serialization.JsonConstructor]
    internal FoldState(IReadOnlyList<TransitionRecord> transitions)
    {
        foreach (var transition in transitions.OrderBy(t => t.To))
        {
            if (transition.To > Stage) Enter(transition with { From = Stage });
        }
    }

    /// <summary>The furthest stage reached; it changes only through <see cref="Enter"/>, and only forward.</summary>
    public Stage Stage { get; private set; }

    /// <summary>When each stage was reached (follows <see cref="Transitions"/>).</summary>
    public IReadOnlyDictionary<Stage, DateTimeOffset> StageReachedAt { get; private set; } = new Dictionary<Stage, DateTimeOffset>();
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
    /// <summary>Every stage change, in order: a forward journey from None.</summary>
    public IReadOnlyList<TransitionRecord> Transitions { get; private set; } = [];

    /// <summary>
    /// The one way a journey moves: into a later stage than the current one (skipping is allowed and
    /// recorded by <see cref="TransitionRecord.From"/>); a customer never goes back.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transition does not start from the current stage, or does not lead forward.</exception>
    public void Enter(TransitionRecord transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        if (transition.From != Stage)
            throw new InvalidOperationException($"A transition from {transition.From} to {transition.To} cannot follow a journey that is in {Stage}.");
        if (transition.To <= Stage)
            throw new InvalidOperationException($"A journey only moves forward: {Stage} cannot be followed by {transition.To}.");
        Transitions = [.. Transitions, transition];
        StageReachedAt = new Dictionary<Stage, DateTimeOffset>(StageReachedAt) { [transition.To] = transition.At };
        Stage = transition.To;
    }
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
