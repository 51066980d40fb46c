using Journey.Domain.Customers;

namespace Journey.Domain.Processing;

/// <summary>Combines the baselines of two merged profiles (only needed when both were compacted).</summary>
public static class FoldStates
{
    public static FoldState? Combine(FoldState? a, FoldState? b)
    {
        if (a is null) return b;
        if (b is null) return a;
        var c = new FoldState
        {
            FirstSeen = Min(a.FirstSeen, b.FirstSeen),
            LastSeen = Max(a.LastSeen, b.LastSeen),
            LastEventAt = Max(a.LastEventAt, b.LastEventAt),
            ProductViews = a.ProductViews + b.ProductViews,
            SearchSeen = a.SearchSeen || b.SearchSeen,
            SearchThenView = a.SearchThenView || b.SearchThenView,
            PolicyPageViewed = a.PolicyPageViewed || b.PolicyPageViewed,
            CartOrWishlistAdded = a.CartOrWishlistAdded || b.CartOrWishlistAdded,
            PostPurchaseEngaged = a.PostPurchaseEngaged || b.PostPurchaseEngaged,
            AdvocacyAction = a.AdvocacyAction || b.AdvocacyAction,
            LateBeyondHorizon = a.LateBeyondHorizon + b.LateBeyondHorizon,
        };
        // The journey: each stage at the earlier of the two times it was reached, entered in stage order.
        foreach (var transition in a.Transitions.Concat(b.Transitions).GroupBy(t => t.To).Select(g => g.MinBy(t => t.At)!).OrderBy(t => t.To))
            c.Enter(transition with { From = c.Stage });
        foreach (var (name, n) in a.Counters.Concat(b.Counters)) c.Counters[name] = c.Counters.GetValueOrDefault(name) + n;
        c.ActiveDays.UnionWith(a.ActiveDays);
        c.ActiveDays.UnionWith(b.ActiveDays);
        c.Sessions.Count = a.Sessions.Count + b.Sessions.Count;
        c.Sessions.Bounces = a.Sessions.Bounces + b.Sessions.Bounces;
        c.Sessions.PageViews = a.Sessions.PageViews + b.Sessions.PageViews;
        c.Sessions.TotalSeconds = a.Sessions.TotalSeconds + b.Sessions.TotalSeconds;
        c.Sessions.TimeOnPageSeconds = a.Sessions.TimeOnPageSeconds + b.Sessions.TimeOnPageSeconds;
        c.Sessions.TimedPageViews = a.Sessions.TimedPageViews + b.Sessions.TimedPageViews;
        foreach (var (ch, n) in a.Sessions.ByChannel.Concat(b.Sessions.ByChannel)) c.Sessions.ByChannel[ch] = c.Sessions.ByChannel.GetValueOrDefault(ch) + n;
        c.Carts.Created = a.Carts.Created + b.Carts.Created;
        c.Carts.Converted = a.Carts.Converted + b.Carts.Converted;
        c.Carts.Abandoned = a.Carts.Abandoned + b.Carts.Abandoned + (a.Carts.OpenItems > 0 ? 1 : 0) + (b.Carts.OpenItems > 0 ? 1 : 0);
        // The open carts were counted abandoned: the later of the two is the latest cart, ended so.
        var last = new[] { a.Carts.Last, b.Carts.Last }.Where(l => l is not null).MaxBy(l => l!.Since)?.Copy();
        if (last is { Outcome: CartOutcomes.Open }) last.Outcome = CartOutcomes.Abandoned;
        c.Carts.Last = last;
        c.OrderIds.UnionWith(a.OrderIds);
        c.OrderIds.UnionWith(b.OrderIds);
        var history = a.Orders.History.Concat(b.Orders.History).OrderBy(o => o.At).ToList();
        c.Orders.History = history;
        c.Orders.Count = history.Count;
        c.Orders.Revenue = history.Sum(o => o.Revenue);
        c.Orders.First = history.Count > 0 ? history[0].At : null;
        c.Orders.Last = history.Count > 0 ? history[^1].At : null;
        c.Orders.FirstCategory = history.Count > 0 ? history[0].Category : null;
        c.RepeatOrderOnAnotherDay = a.RepeatOrderOnAnotherDay || b.RepeatOrderOnAnotherDay ||
            history.Select(o => TimelineEntries.Day(o.At)).Distinct().Count() > 1;
        c.Cancels = Sum(a.Cancels, b.Cancels);
        c.Returns = Sum(a.Returns, b.Returns);
        c.Ratings = new RatingStats
        {
            Reviews = a.Ratings.Reviews + b.Ratings.Reviews,
            ReviewRatingSum = a.Ratings.ReviewRatingSum + b.Ratings.ReviewRatingSum,
            PositiveReviews = a.Ratings.PositiveReviews + b.Ratings.PositiveReviews,
            CsatResponses = a.Ratings.CsatResponses + b.Ratings.CsatResponses,
            CsatSatisfied = a.Ratings.CsatSatisfied + b.Ratings.CsatSatisfied,
        };
        c.Email = new EmailStats
        {
            Opened = a.Email.Opened + b.Email.Opened,
            Clicked = a.Email.Clicked + b.Email.Clicked,
            LastOpened = Max(a.Email.LastOpened, b.Email.LastOpened),
            LastClicked = Max(a.Email.LastClicked, b.Email.LastClicked),
            OrdersAfterClick = a.Email.OrdersAfterClick + b.Email.OrdersAfterClick,
        };
        return c;
    }

    private static AmountStats Sum(AmountStats a, AmountStats b) =>
        new() { Count = a.Count + b.Count, Value = a.Value + b.Value, Last = Max(a.Last, b.Last) };

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
