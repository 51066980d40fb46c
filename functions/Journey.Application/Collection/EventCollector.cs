using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Telemetry;

namespace Journey.Application.Collection;

/// <summary>What <c>Collector:DoNotTrack</c> does with the events of a visitor who asked not to be tracked (<c>DNT: 1</c> or the opt-out cookie).</summary>
public enum PrivacyAction
{
    /// <summary>Answer as usual but keep nothing.</summary>
    Drop,

    /// <summary>Keep the events without the IP address, the user agent and the traits.</summary>
    Anonymize,

    /// <summary>Keep the events as sent.</summary>
    Ignore,
}

/// <summary>
/// The collector's use case once a request is read and valid: the visitor's privacy choice decides
/// what is kept of its events, which are then appended to the stream durably. The HTTP side (reading
/// the request, the answer) stays in the collector's endpoints.
/// </summary>
public sealed class EventCollector(IEventStream stream, PrivacyAction doNotTrack)
{
    /// <summary>The action for a request: the configured one when the visitor opted out, else <see cref="PrivacyAction.Ignore"/>.</summary>
    public PrivacyAction ActionFor(bool optedOut) => optedOut ? doNotTrack : PrivacyAction.Ignore;

    /// <summary>What is kept of <paramref name="events"/> under <paramref name="action"/> (nothing, when they are dropped).</summary>
    public static IReadOnlyList<JourneyEvent> Keep(IReadOnlyList<JourneyEvent> events, PrivacyAction action) => action switch
    {
        PrivacyAction.Drop => [],
        PrivacyAction.Anonymize => [.. events.Select(e => e with { UserAgent = null, Traits = null, Ip = null })],
        _ => events,
    };

    /// <summary>
    /// Appends what <paramref name="action"/> keeps of the events and returns how many were appended;
    /// completes only once the stream has them durably. Throws <see cref="StreamUnavailableException"/>
    /// when it cannot: nothing may be assumed accepted, the client retries.
    /// </summary>
    public async Task<int> AcceptAsync(IReadOnlyList<JourneyEvent> events, PrivacyAction action, CancellationToken cancellationToken)
    {
        var kept = Keep(events, action);
        if (kept.Count == 0) return 0;
        await stream.AppendAsync(kept, cancellationToken);
        JourneyMetrics.Accepted(kept.Count);
        return kept.Count;
    }
}
