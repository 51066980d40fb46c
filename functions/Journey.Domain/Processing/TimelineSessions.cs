using Journey.Domain.Customers;

namespace Journey.Domain.Processing;

/// <summary>One visit of a customer's timeline: its events, the channel and device it started with.</summary>
public sealed record TimelineSession(DateTimeOffset Start, DateTimeOffset End, string Channel, string? Device, IReadOnlyList<TimelineEntry> Events);

/// <summary>
/// Splits a customer's timeline into the sessions the fold counts (<see cref="JourneyFold.StartsSession"/>):
/// a visit event more than the session timeout after the previous event starts a new one; identity calls
/// never start one (they are listed with the visit they fall in, or the next one when they come first).
/// </summary>
public static class TimelineSessions
{
    /// <summary>The sessions of <paramref name="timeline"/> (sorted here when it is not in event-time order), oldest first.</summary>
    public static IReadOnlyList<TimelineSession> Of(IEnumerable<TimelineEntry> timeline, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var sessions = new List<TimelineSession>();
        var current = new List<TimelineEntry>();
        var visited = false; // the current list holds a visit event (not only identity calls)
        DateTimeOffset? last = null;
        foreach (var e in timeline.Order(TimelineOrder.Instance))
        {
            if (!JourneyFold.IsIdentityCall(e.N))
            {
                if (visited && JourneyFold.StartsSession(last, e.T, timeout))
                {
                    sessions.Add(Close(current));
                    current = [];
                }
                visited = true;
            }
            current.Add(e);
            last = e.T;
        }
        if (current.Count > 0) sessions.Add(Close(current));
        return sessions;
    }

    private static TimelineSession Close(List<TimelineEntry> events)
    {
        var first = events.Find(e => !JourneyFold.IsIdentityCall(e.N)) ?? events[0];
        return new TimelineSession(events[0].T, events[^1].T, first.Ch ?? "direct", first.Dev, events);
    }
}
