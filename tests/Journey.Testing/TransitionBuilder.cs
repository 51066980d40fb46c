using Journey.Domain.Customers;

namespace Journey.Testing;

/// <summary>
/// A customer's transition documents as the processor writes them: the first touch (None → Awareness)
/// and then each stage entered, from the stage before it (skips recorded), at days since the first touch.
/// </summary>
public sealed class TransitionBuilder
{
    private readonly string _customerId;
    private readonly DateTimeOffset _firstTouch;
    private readonly List<TransitionDocument> _transitions = [];

    public TransitionBuilder(string customerId, DateTimeOffset firstTouch, string? channel = "organic_search", string trigger = "Page Viewed")
    {
        _customerId = customerId;
        _firstTouch = firstTouch;
        _transitions.Add(Transition(Stage.None, Stage.Awareness, 0, channel, trigger, sessions: 1, []));
    }

    /// <summary>Enters <paramref name="to"/> from the last stage entered, <paramref name="days"/> after the first touch.</summary>
    public TransitionBuilder To(Stage to, double days, string? channel, string trigger = "Product Viewed", long sessions = 1, params (string Name, long Count)[] microConversions)
    {
        _transitions.Add(Transition(_transitions[^1].To, to, days, channel, trigger, sessions, microConversions));
        return this;
    }

    public IReadOnlyList<TransitionDocument> Build() => [.. _transitions];

    private TransitionDocument Transition(Stage from, Stage to, double days, string? channel, string trigger, long sessions, (string Name, long Count)[] microConversions) => new()
    {
        Id = TransitionDocument.IdFor(_customerId, to),
        CustomerId = _customerId,
        From = from,
        To = to,
        Skipped = [.. Enumerable.Range((int)from + 1, Math.Max(0, to - from - 1)).Select(s => (Stage)s).Where(s => s != Stage.None)],
        At = _firstTouch.AddDays(days),
        TriggerEvent = trigger,
        TriggerMessageId = $"m-{_customerId}-{to}",
        Rule = "rule",
        Channel = channel,
        AcquisitionChannel = _transitions.Count > 0 ? _transitions[0].Channel : channel,
        FirstDevice = "mobile",
        DaysSinceFirstTouch = days,
        SessionsSinceFirstTouch = sessions,
        MicroConversions = microConversions.ToDictionary(m => m.Name, m => m.Count, StringComparer.Ordinal),
    };
}
