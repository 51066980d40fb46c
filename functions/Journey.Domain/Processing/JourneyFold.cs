using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Stages;

namespace Journey.Domain.Processing;

/// <summary>
/// Folds a customer's events, in event-time order, into the journey state: sessions, counters,
/// carts, orders, ratings, email engagement and the stage with every transition. The fold is a
/// pure function of the events, so late events, duplicates and merges all come out right by
/// re-folding the timeline.
/// </summary>
public sealed class JourneyFold
{
    private const string RepeatVisit = "Repeat Visit";
    private const string PolicyPageViewed = "Policy Page Viewed";
    private const string PositiveReview = "Positive Review";

    private readonly JourneyRulesOptions _options;
    private readonly IReadOnlyList<StageRule> _rules;
    private readonly HashSet<string> _microConversions;

    /// <summary>The rules this fold applies (the daily job needs the cart abandonment window).</summary>
    public JourneyRulesOptions Options => _options;

    public JourneyFold(JourneyRulesOptions options)
    {
        _options = options;
        _rules = StageRules.For(options);
        _microConversions = new HashSet<string>(options.MicroConversions.Values.SelectMany(v => v), StringComparer.Ordinal);
    }

    /// <summary>Folds the (time-ordered) entries onto a copy of the baseline, or onto an empty state.</summary>
    public FoldState Fold(FoldState? baseline, IEnumerable<TimelineEntry> orderedEntries)
    {
        var state = baseline is null ? new FoldState() : Clone(baseline);
        foreach (var entry in orderedEntries) Apply(state, entry);
        return state;
    }

    /// <summary>Applies one event. Entries must come in event-time order, except late ones older than the state (compaction horizon), which update the totals but not sessions.</summary>
    public void Apply(FoldState s, TimelineEntry e)
    {
        var t = e.T;
        var late = s.LastEventAt is { } last && t < last;
        var isIdentity = IsIdentityCall(e.N);

        if (late) s.LateBeyondHorizon++;
        else if (!isIdentity) ApplySession(s, e);

        s.Counters[e.N] = s.Counters.GetValueOrDefault(e.N) + 1;
        if (s.FirstSeen is null || t < s.FirstSeen) s.FirstSeen = t;
        if (s.LastSeen is null || t > s.LastSeen) s.LastSeen = t;
        if (!isIdentity && s.LastActiveDay != t.UtcDateTime.Date)
        {
            // Formatting the day costs more than the rest of the step; consecutive events mostly share one.
            s.ActiveDays.Add(TimelineEntries.Day(t));
            s.LastActiveDay = t.UtcDateTime.Date;
        }

        ApplyCart(s, e, late);
        ApplyEvent(s, e);

        CountMicroConversion(s, e.N);

        AdvanceStage(s, e);
        if (!late) s.LastEventAt = t;
    }

    /// <summary>Counts a micro-conversion (an event name, or a derived one such as "Repeat Visit") toward the current stage.</summary>
    private void CountMicroConversion(FoldState s, string name)
    {
        if (_microConversions.Contains(name))
            s.MicroConversionsInStage[name] = s.MicroConversionsInStage.GetValueOrDefault(name) + 1;
    }

    private void ApplySession(FoldState s, TimelineEntry e)
    {
        var t = e.T;
        var isPage = e.N is EventNames.PageViewed or EventNames.ScreenViewed;
        var isOtherView = e.N is EventNames.ProductViewed or EventNames.ProductListViewed or EventNames.ContentViewed or EventNames.PromotionViewed;

        if (StartsSession(s.LastEventAt, t, _options.SessionTimeout))
        {
            CloseSession(s);
            s.Sessions.Count++;
            s.SessionStart = t;
            s.LastPageViewAt = null;
            var channel = e.Ch ?? "direct";
            s.Sessions.LastStart = t;
            s.Sessions.LastChannel = channel;
            s.Sessions.ByChannel[channel] = s.Sessions.ByChannel.GetValueOrDefault(channel) + 1;
            if (s.Sessions.Count > 1) CountMicroConversion(s, RepeatVisit);
            if (s.Orders.Count > 0) s.PostPurchaseEngaged = true;
        }
        else if (s.LastEventAt is { } last)
        {
            s.Sessions.TotalSeconds += (t - last).TotalSeconds;
        }

        if (isPage)
        {
            s.Sessions.PageViews++;
            s.SessionPageViews++;
        }
        else if (isOtherView) s.SessionOtherViews++;
        else s.SessionInteractions++;

        if (isPage || isOtherView)
        {
            // Time on page: the gap to the next view in the same session. A page call and the
            // product view fired with it land within a second and are one page.
            if (s.LastPageViewAt is { } previous && (t - previous) >= TimeSpan.FromSeconds(1))
            {
                s.Sessions.TimeOnPageSeconds += (t - previous).TotalSeconds;
                s.Sessions.TimedPageViews++;
            }
            s.LastPageViewAt = t;
        }
    }

    /// <summary>Identify, alias and group calls: they say who someone is, they are not a visit (no session, no active day).</summary>
    public static bool IsIdentityCall(string name) => name is EventNames.Identified or EventNames.Aliased or EventNames.Grouped;

    /// <summary>
    /// The session rule: a visit event starts a new session when nothing came before it or more than
    /// <paramref name="timeout"/> passed since the customer's last event (of any kind, identity calls included).
    /// </summary>
    public static bool StartsSession(DateTimeOffset? lastEventAt, DateTimeOffset t, TimeSpan timeout) => lastEventAt is null || t - lastEventAt.Value > timeout;

    /// <summary>Counts the session that just ended as a bounce if it had one page view and nothing else.</summary>
    private static void CloseSession(FoldState s)
    {
        if (s.SessionStart is null) return;
        if (IsBounce(s)) s.Sessions.Bounces++;
        s.SessionPageViews = 0;
        s.SessionOtherViews = 0;
        s.SessionInteractions = 0;
    }

    /// <summary>A bounce: one page view (or, on sites that send no page calls, one product/content view) and no other interaction.</summary>
    public static bool IsBounce(FoldState s) =>
        s.SessionStart is not null && s.SessionInteractions == 0 &&
        (s.SessionPageViews == 1 || (s.SessionPageViews == 0 && s.SessionOtherViews == 1));

    private void ApplyCart(FoldState s, TimelineEntry e, bool late)
    {
        var cart = s.Carts;
        if (!late && cart.OpenItems > 0 && cart.LastActivity is { } lastActivity && e.T - lastActivity > _options.CartAbandonmentWindow)
        {
            cart.Abandoned++;
            ResetCart(cart, CartOutcomes.Abandoned);
        }

        switch (e.N)
        {
            case EventNames.ProductAdded:
                if (cart.OpenItems == 0)
                {
                    cart.Created++;
                    cart.OpenSince = e.T;
                    cart.Last = new LastCart { Since = e.T };
                }
                AddLine(cart.Last, e, e.Q ?? 1);
                cart.OpenItems += e.Q ?? 1;
                cart.OpenValue += e.V ?? 0m;
                cart.LastActivity = e.T;
                break;
            case EventNames.ProductRemoved:
                if (cart.OpenItems > 0) AddLine(cart.Last, e, -(e.Q ?? 1));
                cart.OpenItems = Math.Max(0, cart.OpenItems - (e.Q ?? 1));
                cart.OpenValue = Math.Max(0m, cart.OpenValue - (e.V ?? 0m));
                cart.LastActivity = e.T;
                if (cart.OpenItems == 0) ResetCart(cart, CartOutcomes.Emptied);
                break;
            case EventNames.CartViewed:
            case EventNames.CheckoutStarted:
                if (cart.OpenItems > 0) cart.LastActivity = e.T;
                break;
            case EventNames.OrderCompleted:
                if (cart.OpenItems > 0)
                {
                    cart.Converted++;
                    ResetCart(cart, CartOutcomes.Ordered);
                }
                break;
        }
    }

    private static void ResetCart(CartStats cart, string outcome)
    {
        cart.OpenItems = 0;
        cart.OpenValue = 0m;
        cart.OpenSince = null;
        if (cart.Last is { Outcome: CartOutcomes.Open } last) last.Outcome = outcome;
    }

    /// <summary>Adds (or, with a negative quantity, removes) a product to the open cart's lines, by product id, else by name.</summary>
    private static void AddLine(LastCart? cart, TimelineEntry e, long quantity)
    {
        if (cart is null) return;
        var key = e.P ?? e.Pn;
        var index = cart.Lines.FindIndex(l => string.Equals(l.ProductId ?? l.Name, key, StringComparison.Ordinal));
        var unitPrice = e.V is { } v && e.Q is > 0 ? v / e.Q.Value : e.V;
        if (index < 0)
        {
            if (quantity > 0) cart.Lines.Add(new CartLine(e.P, e.Pn, quantity, unitPrice));
            return;
        }
        var line = cart.Lines[index];
        var remaining = line.Quantity + quantity;
        if (remaining <= 0) cart.Lines.RemoveAt(index);
        else cart.Lines[index] = line with { Quantity = remaining, Name = line.Name ?? e.Pn, Price = quantity > 0 ? unitPrice ?? line.Price : line.Price };
    }

    private void ApplyEvent(FoldState s, TimelineEntry e)
    {
        var converted = s.Orders.Count > 0;
        switch (e.N)
        {
            case EventNames.ProductViewed:
                s.ProductViews++;
                if (s.SearchSeen) s.SearchThenView = true;
                break;
            case EventNames.ProductsSearched:
                s.SearchSeen = true;
                break;
            case EventNames.ProductAdded:
            case EventNames.ProductAddedToWishlist:
                s.CartOrWishlistAdded = true;
                break;
            case EventNames.PageViewed:
            case EventNames.ScreenViewed:
                if (e.Pk == TimelineEntries.PolicyPage)
                {
                    s.PolicyPageViewed = true;
                    CountMicroConversion(s, PolicyPageViewed);
                }
                break;
            case EventNames.OrderCompleted:
                ApplyOrder(s, e);
                break;
            case EventNames.OrderCancelled:
                Add(s.Cancels, e);
                break;
            case EventNames.OrderRefunded:
                Add(s.Returns, e);
                break;
            case EventNames.ProductReviewed:
                if (e.V is { } rating)
                {
                    s.Ratings.Reviews++;
                    s.Ratings.ReviewRatingSum += (double)rating;
                    if (rating >= 4)
                    {
                        s.Ratings.PositiveReviews++;
                        CountMicroConversion(s, PositiveReview);
                        if (converted) s.AdvocacyAction = true;
                    }
                }
                if (converted) s.PostPurchaseEngaged = true;
                break;
            case EventNames.FeedbackSubmitted:
                if (e.V is { } score)
                {
                    s.Ratings.CsatResponses++;
                    if (score >= 4) s.Ratings.CsatSatisfied++;
                }
                if (converted) s.PostPurchaseEngaged = true;
                break;
            case EventNames.ReferralSent:
            case EventNames.ProductShared:
                if (converted) s.AdvocacyAction = true;
                break;
            case EventNames.EmailOpened:
                s.Email.Opened++;
                if (s.Email.LastOpened is null || e.T > s.Email.LastOpened) s.Email.LastOpened = e.T;
                break;
            case EventNames.EmailLinkClicked:
                s.Email.Clicked++;
                if (s.Email.LastClicked is null || e.T > s.Email.LastClicked) s.Email.LastClicked = e.T;
                if (converted) s.PostPurchaseEngaged = true;
                break;
        }
    }

    private void ApplyOrder(FoldState s, TimelineEntry e)
    {
        // The same order sent twice (different message ids) is one order.
        if (e.O is not null && !s.OrderIds.Add(e.O)) return;
        var orders = s.Orders;
        if (orders.Count > 0 && orders.First is { } first && TimelineEntries.Day(first) != TimelineEntries.Day(e.T))
            s.RepeatOrderOnAnotherDay = true;
        orders.Count++;
        orders.Revenue += e.V ?? 0m;
        if (orders.First is null || e.T < orders.First)
        {
            orders.First = e.T;
            orders.FirstCategory = e.Cat;
            orders.FirstChannel = s.Sessions.LastChannel ?? e.Ch;
        }
        if (orders.Last is null || e.T > orders.Last) orders.Last = e.T;
        orders.History.Add(new OrderEntry(e.O ?? e.Id, e.T, e.V ?? 0m, e.Cat));
        if (s.Email.LastClicked is { } click && e.T >= click && e.T - click <= _options.EmailAttributionWindow)
            s.Email.OrdersAfterClick++;
    }

    private static void Add(AmountStats stats, TimelineEntry e)
    {
        stats.Count++;
        stats.Value += e.V ?? 0m;
        if (stats.Last is null || e.T > stats.Last) stats.Last = e.T;
    }

    private void AdvanceStage(FoldState s, TimelineEntry e)
    {
        foreach (var rule in _rules)
        {
            if (rule.Target <= s.Stage) break; // rules are ordered highest target first
            if (!rule.Holds(s)) continue;
            // The first touch is always recorded before any skip, so every journey starts in Awareness.
            if (s.Stage == Stage.None && rule.Target != Stage.Awareness) Enter(s, e, Stage.Awareness, StageRules.FirstTouch);
            Enter(s, e, rule.Target, rule.Name);
            return;
        }
    }

    private static void Enter(FoldState s, TimelineEntry e, Stage to, string rule)
    {
        var firstTouch = s.FirstSeen ?? e.T;
        var from = s.Stage;
        s.Enter(new TransitionRecord
        {
            From = s.Stage,
            To = to,
            At = e.T,
            TriggerEvent = e.N,
            TriggerMessageId = e.Id,
            Rule = rule,
            Channel = s.Sessions.LastChannel ?? e.Ch,
            DaysSinceFirstTouch = Math.Round((e.T - firstTouch).TotalDays, 4),
            SessionsSinceFirstTouch = s.Sessions.Count,
            MicroConversions = s.Stage == Stage.None ? new(StringComparer.Ordinal) : new SortedDictionary<string, long>(s.MicroConversionsInStage, StringComparer.Ordinal),
        });
        // The first touch's own micro-conversions count toward the stage it starts in.
        if (from != Stage.None) s.MicroConversionsInStage.Clear();
    }

    private static FoldState Clone(FoldState state) =>
        Serialization.JourneyJson.Deserialize<FoldState>(Serialization.JourneyJson.SerializeToUtf8(state));
}
