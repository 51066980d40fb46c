using Journey.Domain.Customers;
using Journey.Domain.Stages;

namespace Journey.Domain.Processing;

/// <summary>Writes a fold's result into the readable parts of a customer document.</summary>
public static class CustomerProjection
{
    public static void Apply(CustomerDocument doc, FoldState s, DateTimeOffset now, JourneyRulesOptions options)
    {
        doc.FollowJourney(s);
        doc.Counters = new SortedDictionary<string, long>(s.Counters, StringComparer.Ordinal);
        doc.FirstSeen = s.FirstSeen;
        doc.LastSeen = s.LastSeen;
        doc.ActiveDays = [.. s.ActiveDays.Order(StringComparer.Ordinal)];

        doc.Sessions = new SessionStats
        {
            Count = s.Sessions.Count,
            Bounces = s.Sessions.Bounces + (JourneyFold.IsBounce(s) ? 1 : 0),
            PageViews = s.Sessions.PageViews,
            TotalSeconds = Math.Round(s.Sessions.TotalSeconds, 3),
            TimeOnPageSeconds = Math.Round(s.Sessions.TimeOnPageSeconds, 3),
            TimedPageViews = s.Sessions.TimedPageViews,
            LastStart = s.Sessions.LastStart,
            LastChannel = s.Sessions.LastChannel,
            ByChannel = new SortedDictionary<string, long>(s.Sessions.ByChannel, StringComparer.Ordinal),
        };

        var cart = s.Carts;
        var openAbandoned = cart.OpenItems > 0 && cart.LastActivity is { } lastActivity && now - lastActivity > options.CartAbandonmentWindow;
        doc.Carts = new CartStats
        {
            OpenValue = openAbandoned ? 0m : cart.OpenValue,
            OpenItems = openAbandoned ? 0 : cart.OpenItems,
            OpenSince = openAbandoned ? null : cart.OpenSince,
            LastActivity = cart.LastActivity,
            Created = cart.Created,
            Converted = cart.Converted,
            Abandoned = cart.Abandoned + (openAbandoned ? 1 : 0),
            Last = LastCartAsOf(cart.Last, openAbandoned),
        };

        doc.Orders = new OrderStats
        {
            Count = s.Orders.Count,
            Revenue = s.Orders.Revenue,
            First = s.Orders.First,
            Last = s.Orders.Last,
            FirstCategory = s.Orders.FirstCategory,
            FirstChannel = s.Orders.FirstChannel,
            History = [.. s.Orders.History.OrderBy(o => o.At).ThenBy(o => o.OrderId, StringComparer.Ordinal)],
        };
        doc.Cancels = s.Cancels;
        doc.Returns = s.Returns;
        doc.Ratings = s.Ratings;
        doc.Email = s.Email;

        // The status is the daily job's, as of its date; the processor keeps only the last activity.
        doc.Lifecycle.LastSeen = s.LastSeen;
        doc.UpdatedAt = now;
    }

    /// <summary>The transition documents of a customer, from the fold's stage changes.</summary>
    public static IReadOnlyList<TransitionDocument> Transitions(CustomerDocument doc, FoldState s) =>
        [.. s.Transitions.Select(t => new TransitionDocument
        {
            Id = TransitionDocument.IdFor(doc.Id, t.To),
            CustomerId = doc.Id,
            From = t.From,
            To = t.To,
            Skipped = [.. Enumerable.Range((int)t.From + 1, Math.Max(0, (int)t.To - (int)t.From - 1)).Select(i => (Stage)i).Where(x => x != Stage.None)],
            At = t.At,
            TriggerEvent = t.TriggerEvent,
            TriggerMessageId = t.TriggerMessageId,
            Rule = t.Rule,
            Channel = t.Channel,
            AcquisitionChannel = doc.Acquisition?.Channel,
            FirstDevice = doc.Acquisition?.FirstDevice,
            DaysSinceFirstTouch = t.DaysSinceFirstTouch,
            SessionsSinceFirstTouch = t.SessionsSinceFirstTouch,
            MicroConversions = t.MicroConversions,
        })];

    /// <summary>A copy of the latest cart (the fold goes on with its own), abandoned when the window passed without activity.</summary>
    private static LastCart? LastCartAsOf(LastCart? last, bool openAbandoned)
    {
        if (last is null) return null;
        var copy = last.Copy();
        if (openAbandoned && copy.Outcome == CartOutcomes.Open) copy.Outcome = CartOutcomes.Abandoned;
        return copy;
    }
}
