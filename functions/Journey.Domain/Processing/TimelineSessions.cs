using Journey.Domain.Customers;
using Journey.Domain.Events;

namespace Journey.Domain.Processing;

/// <summary>One visit of a customer's timeline: its events, the channel and device it started with.</summary>
public sealed record TimelineSession(DateTimeOffset Start, DateTimeOffset End, string Channel, string? Device, IReadOnlyList<TimelineEntry> Events);

/// <summary>
/// Splits a customer's timeline into sessions by the fold's rule: a gap longer than the session timeout
/// starts a new one, and identity calls (identify, alias, group) neither start nor extend a session.
/// </summary>
public static class TimelineSessions
{
    /// <summary>The sessions of <paramref name="timeline"/> (sorted here when it is not in event-time order), oldest first.</summary>
    public static IReadOnlyList<TimelineSession> Of(IEnumerable<TimelineEntry> timeline, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var sessions = new List<TimelineSession>();
        List<TimelineEntry>? current = null;
        DateTimeOffset? last = null; // the last visit event of the current session
        foreach (var e in timeline.Order(TimelineOrder.Instance))
        {
            var identity = IsIdentity(e);
            if (current is null || (!identity && last is { } previous && e.T - previous > timeout))
            {
                if (current is not null) sessions.Add(Close(current));
                current = [];
                last = null;
            }
            current.Add(e);
            if (!identity) last = e.T;
        }
        if (current is not null) sessions.Add(Close(current));
        return sessions;
    }

    private static TimelineSession Close(List<TimelineEntry> events)
    {
        var first = events.Find(e => !IsIdentity(e)) ?? events[0];
        return new TimelineSession(events[0].T, events[^1].T, first.Ch ?? "direct", first.Dev, events);
    }

    private static bool IsIdentity(TimelineEntry e) => e.N is EventNames.Identified or EventNames.Aliased or EventNames.Grouped;
}
