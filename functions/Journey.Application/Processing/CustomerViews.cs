using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Feedback;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Domain.Stages;

namespace Journey.Application.Processing;

/// <summary>
/// What the dashboard's customer lookup shows (<c>GET /api/customers/{id}/view</c>): the profile (identity,
/// acquisition, stage, lifecycle, counters, predictions), its stage transitions, its recent sessions with
/// their events, its feedback and its actions.
/// </summary>
/// <param name="Customer">The customer document without the processor's state.</param>
/// <param name="Sessions">The latest sessions of the timeline still held, newest first.</param>
/// <param name="SessionsHeld">How many sessions the held timeline has (older ones were compacted into totals).</param>
/// <param name="TimelineCompacted">True when older events were compacted: they count in the totals but are no longer listed.</param>
public sealed record CustomerView(
    CustomerDocument Customer,
    IReadOnlyList<TransitionDocument> Transitions,
    IReadOnlyList<TimelineSession> Sessions,
    int SessionsHeld,
    bool TimelineCompacted,
    IReadOnlyList<FeedbackItem> Feedback,
    IReadOnlyList<ActionDocument> Actions);

public sealed class CustomerViews(CustomerLookup lookup, ITransitionStore transitions, IActionStore actions, IPersonalDataStore personal, JourneyRulesOptions rules)
{
    /// <summary>The most sessions a view lists.</summary>
    public const int MaxSessions = 30;

    /// <summary>The view of the customer holding <paramref name="id"/> (any of their ids; merges followed), or null.</summary>
    public async Task<CustomerView?> FindAsync(string id, CancellationToken ct)
    {
        var stored = await lookup.FindAsync(id, ct);
        if (stored is null) return null;
        var doc = stored.Document;
        var sessions = TimelineSessions.Of(doc.Journey.Timeline, rules.SessionTimeout);
        var compacted = doc.Journey.Baseline is not null;
        doc.Journey = new JourneyState { Transitions = doc.Journey.Transitions };

        var feedback = await personal.ListFeedbackByCustomersAsync(PersonIds.Of(doc), ct);
        foreach (var item in feedback) item.Embedding = null; // the redacted text is what the lookup shows
        return new CustomerView(
            doc,
            await transitions.ListAsync(doc.Id, ct),
            [.. sessions.Reverse().Take(MaxSessions)],
            sessions.Count,
            compacted,
            feedback,
            await actions.ListByCustomerAsync(doc.Id, ct));
    }
}

/// <summary>The ids a person's records may carry: the document id, the userId, the anonymous ids and the merged ids.</summary>
public static class PersonIds
{
    public static SortedSet<string> Of(CustomerDocument profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var ids = new SortedSet<string>(StringComparer.Ordinal) { profile.Id };
        if (profile.UserId is { Length: > 0 } userId) ids.Add(userId);
        ids.UnionWith(profile.AnonymousIds.Where(a => a.Length > 0));
        ids.UnionWith(profile.MergedIds.Where(m => m.Length > 0));
        return ids;
    }
}
