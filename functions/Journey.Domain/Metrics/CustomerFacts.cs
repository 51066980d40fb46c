using Journey.Domain.Customers;
using Journey.Domain.Processing;

namespace Journey.Domain.Metrics;

/// <summary>How a customer's facts as of a date were obtained.</summary>
public enum FactsSource
{
    /// <summary>Nothing happened after D: the stored projection is the answer (no refold).</summary>
    Projection,

    /// <summary>Events after D exist but none is compacted: the baseline and the timeline up to D are refolded (exact).</summary>
    Refold,

    /// <summary>
    /// The history was compacted beyond D: orders, active days and stages (which keep their full
    /// history) are exact; sessions, carts, cancels, returns, ratings and email come from the
    /// compacted baseline, which already holds some events after D (an upper bound).
    /// </summary>
    Approximate,
}

/// <summary>
/// A compact, as-of-D view of one customer document: only what the daily metrics read. Built for
/// every customer of the store, one at a time; the documents themselves are never kept.
/// </summary>
public sealed class CustomerFacts
{
    private static readonly int StageCount = Enum.GetValues<Stage>().Length;

    public required string Id { get; init; }
    public required FactsSource Source { get; init; }
    public bool Approximate => Source == FactsSource.Approximate;

    /// <summary>Acquisition channel ("unknown" when the document has none).</summary>
    public required string Channel { get; init; }

    /// <summary>First device class ("unknown" when the document has none).</summary>
    public required string FirstDevice { get; init; }
    public required DateTimeOffset FirstSeen { get; init; }

    /// <summary>The highest stage reached by the end of D.</summary>
    public Stage Stage { get; private set; }

    /// <summary>When each stage was reached, indexed by <see cref="Customers.Stage"/>; null when not reached by D.</summary>
    public DateTimeOffset?[] StageReachedAt { get; } = new DateTimeOffset?[StageCount];

    public long Sessions { get; init; }
    public long Bounces { get; init; }
    public long CartsCreated { get; init; }
    public long CartsConverted { get; init; }
    public long CartsAbandoned { get; init; }

    /// <summary>The orders up to D, in time order.</summary>
    public required IReadOnlyList<OrderEntry> Orders { get; init; }
    public decimal Revenue { get; init; }
    public long Cancels { get; init; }
    public long Returns { get; init; }
    public long Reviews { get; init; }

    /// <summary>Reviews rated 4 or 5.</summary>
    public long PositiveReviews { get; init; }
    public long CsatResponses { get; init; }
    public long CsatSatisfied { get; init; }
    public long EmailOpened { get; init; }
    public long EmailClicked { get; init; }
    public long OrdersAfterEmail { get; init; }

    /// <summary>Distinct UTC days with activity up to D, as sorted <see cref="DateOnly.DayNumber"/>s.</summary>
    public required int[] ActiveDays { get; init; }

    /// <summary>The predictions currently stored on the document.</summary>
    public Predictions? StoredPredictions { get; init; }

    /// <summary>The lifecycle status currently stored on the document (null before the daily job first counted it).</summary>
    /// <summary>Since when (yyyy-MM-dd) the stored lifecycle status holds.</summary>
    public string? StoredLifecycleSince { get; init; }

    public string? StoredLifecycleStatus { get; init; }

    /// <summary>Whole days from the last day with activity up to D (the first-seen day when no day counts as active) to D.</summary>
    public int DaysInactive { get; init; }

    /// <summary>
    /// The facts of <paramref name="doc"/> as of the end of <paramref name="asOf"/>, or null for a
    /// redirect document or a customer first seen after D. See <see cref="FactsSource"/> for the rule.
    /// </summary>
    public static CustomerFacts? From(CustomerDocument doc, DateOnly asOf, JourneyFold fold)
    {
        if (doc.IsRedirect) return null;
        var when = new AsOf(asOf);
        var firstSeen = doc.FirstSeen ?? doc.Acquisition?.FirstSeen;
        if (firstSeen is null || !when.Includes(firstSeen.Value)) return null;

        if (doc.LastSeen is { } lastSeen && when.Includes(lastSeen))
        {
            return Build(doc, firstSeen.Value, FactsSource.Projection, when, doc.StageReachedAt,
                doc.Sessions.Count, doc.Sessions.Bounces, doc.Carts, doc.Orders.History,
                doc.Cancels, doc.Returns, doc.Ratings, doc.Email, DayNumbers(doc.ActiveDays, when));
        }

        var baseline = doc.Journey.Baseline;
        if (baseline is null || baseline.LastEventAt is null || when.Includes(baseline.LastEventAt.Value))
        {
            var state = fold.Fold(baseline, TimelineUpTo(doc.Journey.Timeline, when));
            return FromState(doc, firstSeen.Value, FactsSource.Refold, when, state, state.StageReachedAt, state.Orders.History, state.ActiveDays, fold);
        }

        // Compacted beyond D: the parts with full history are exact, the rest come from the baseline.
        return FromState(doc, firstSeen.Value, FactsSource.Approximate, when, baseline, doc.StageReachedAt, doc.Orders.History, doc.ActiveDays, fold);
    }

    private static CustomerFacts FromState(
        CustomerDocument doc, DateTimeOffset firstSeen, FactsSource source, AsOf when, FoldState s,
        IReadOnlyDictionary<Stage, DateTimeOffset> stages, List<OrderEntry> orders, IEnumerable<string> activeDays, JourneyFold fold)
    {
        // As the projection does at its "now": the session still open counts if it is a bounce,
        // and a cart left open longer than the abandonment window by the end of D is abandoned.
        var cart = s.Carts;
        var openAbandoned = cart.OpenItems > 0 && cart.LastActivity is { } last && when.Cutoff - last > fold.Options.CartAbandonmentWindow;
        var carts = new CartStats { Created = cart.Created, Converted = cart.Converted, Abandoned = cart.Abandoned + (openAbandoned ? 1 : 0) };
        var bounces = s.Sessions.Bounces + (source == FactsSource.Refold && JourneyFold.IsBounce(s) ? 1 : 0);
        return Build(doc, firstSeen, source, when, stages, s.Sessions.Count, bounces, carts, orders,
            s.Cancels, s.Returns, s.Ratings, s.Email, DayNumbers(activeDays, when));
    }

    private static CustomerFacts Build(
        CustomerDocument doc, DateTimeOffset firstSeen, FactsSource source, AsOf when, IReadOnlyDictionary<Stage, DateTimeOffset> stages,
        long sessions, long bounces, CartStats carts, List<OrderEntry> history, AmountStats cancels, AmountStats returns,
        RatingStats ratings, EmailStats email, int[] activeDays)
    {
        var orders = OrdersUpTo(history, when);
        decimal revenue = 0;
        foreach (var o in orders) revenue += o.Revenue;
        var facts = new CustomerFacts
        {
            Id = doc.Id,
            Source = source,
            Channel = doc.Acquisition?.Channel ?? "unknown",
            FirstDevice = doc.Acquisition?.FirstDevice ?? "unknown",
            FirstSeen = firstSeen,
            Sessions = sessions,
            Bounces = bounces,
            CartsCreated = carts.Created,
            CartsConverted = carts.Converted,
            CartsAbandoned = carts.Abandoned,
            Orders = orders,
            Revenue = revenue,
            Cancels = cancels.Count,
            Returns = returns.Count,
            Reviews = ratings.Reviews,
            PositiveReviews = ratings.PositiveReviews,
            CsatResponses = ratings.CsatResponses,
            CsatSatisfied = ratings.CsatSatisfied,
            EmailOpened = email.Opened,
            EmailClicked = email.Clicked,
            OrdersAfterEmail = email.OrdersAfterClick,
            ActiveDays = activeDays,
            StoredPredictions = doc.Predictions,
            StoredLifecycleStatus = doc.Lifecycle.Status,
            StoredLifecycleSince = doc.Lifecycle.Since,
            DaysInactive = when.DayNumber - (activeDays.Length > 0 ? activeDays[^1] : AsOf.DayOf(firstSeen)),
        };
        foreach (var (stage, at) in stages)
        {
            if (stage == Stage.None || !when.Includes(at)) continue;
            facts.StageReachedAt[(int)stage] = at;
            if (stage > facts.Stage) facts.Stage = stage;
        }
        return facts;
    }

    /// <summary>The timeline entries up to D (the stored timeline is in event-time order; it is sorted if it is not).</summary>
    private static IEnumerable<TimelineEntry> TimelineUpTo(List<TimelineEntry> timeline, AsOf when)
    {
        var ordered = true;
        for (var i = 1; i < timeline.Count && ordered; i++) ordered = TimelineOrder.Instance.Compare(timeline[i - 1], timeline[i]) <= 0;
        IEnumerable<TimelineEntry> entries = ordered ? timeline : timeline.Order(TimelineOrder.Instance);
        return entries.Where(e => when.Includes(e.T));
    }

    private static List<OrderEntry> OrdersUpTo(List<OrderEntry> history, AsOf when)
    {
        var all = true;
        var sorted = true;
        for (var i = 0; i < history.Count; i++)
        {
            if (!when.Includes(history[i].At)) all = false;
            if (i > 0 && history[i - 1].At > history[i].At) sorted = false;
        }
        if (all && sorted) return history;
        return [.. history.Where(o => when.Includes(o.At)).OrderBy(o => o.At).ThenBy(o => o.OrderId, StringComparer.Ordinal)];
    }

    private static int[] DayNumbers(IEnumerable<string> days, AsOf when)
    {
        var list = new List<int>(days is ICollection<string> c ? c.Count : 16);
        foreach (var day in days)
        {
            var n = AsOf.ParseDay(day);
            if (n >= 0 && n <= when.DayNumber) list.Add(n);
        }
        list.Sort();
        return [.. list];
    }

    /// <summary>The earliest time the customer reached <paramref name="stage"/> or a later one (a skipped stage is passed when a later one is reached).</summary>
    public DateTimeOffset? ReachedOrPassed(Stage stage)
    {
        DateTimeOffset? earliest = null;
        for (var s = (int)stage; s < StageReachedAt.Length; s++)
        {
            if (StageReachedAt[s] is { } at && (earliest is null || at < earliest)) earliest = at;
        }
        return earliest;
    }
}
