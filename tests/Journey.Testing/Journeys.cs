using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Processing;
using Journey.Domain.Stages;

namespace Journey.Testing;

/// <summary>
/// One customer's journey folded with the domain's pure pieces alone (<see cref="CustomerUpdate"/>,
/// <see cref="CustomerProjection"/>): no processor, no store, no identity merge. For tests of the
/// stage rules, the fold and the documents; the processor's own tests go through the processor.
/// </summary>
public sealed class Journeys(JourneyRulesOptions? options = null)
{
    private readonly JourneyRulesOptions _options = options ?? new JourneyRulesOptions();
    private CustomerDocument? _customer;
    private FoldState? _state;
    private long _sequence;

    /// <summary>The rules the journey is folded with.</summary>
    public JourneyRulesOptions Options => _options;

    /// <summary>The processing time the projection is computed at (open carts older than the abandonment window by then are abandoned).</summary>
    public DateTimeOffset Now { get; init; } = Events.T0.AddDays(1);

    /// <summary>The document, after the batches added so far.</summary>
    public CustomerDocument Customer => _customer ?? throw new InvalidOperationException("Add events first.");

    /// <summary>The transition documents of the last fold.</summary>
    public IReadOnlyList<TransitionDocument> Transitions => _state is null ? [] : CustomerProjection.Transitions(Customer, _state);

    /// <summary>Adds the events as one batch (stream partition "0", sequence numbers continuing) to the profile of the first event.</summary>
    public Journeys Add(params JourneyEvent[] events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var update = new CustomerUpdate(new JourneyFold(_options), _options);
        _customer ??= CustomerUpdate.NewProfile(events[0].UserId ?? events[0].AnonymousId!);
        var records = Events.Records(events, firstSequence: _sequence);
        _sequence += events.Length;
        update.AddEvents(_customer, [.. events.Zip(records, (e, r) => new PositionedEvent(e, TimelineEntries.From(e, _options) with { S = r.SequenceNumber }, r))]);
        _state = update.Refold(_customer, Now);
        return this;
    }

    /// <summary>The document and transitions of one batch of events.</summary>
    public static (CustomerDocument Customer, IReadOnlyList<TransitionDocument> Transitions) Of(JourneyRulesOptions options, params JourneyEvent[] events)
    {
        var journey = new Journeys(options).Add(events);
        return (journey.Customer, journey.Transitions);
    }
}

/// <summary>Hand-built journeys for hand-built documents: a fold state that reached these stages, entered in order.</summary>
public static class Reached
{
    /// <summary>A fold state that entered each stage at its time (each transition from the stage before).</summary>
    public static FoldState Stages(params (Stage Stage, DateTimeOffset At)[] stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var state = new FoldState();
        foreach (var (stage, at) in stages.OrderBy(s => s.Stage))
            state.Enter(new TransitionRecord { From = state.Stage, To = stage, At = at, TriggerEvent = "Test", TriggerMessageId = $"test-{stage}", Rule = "test" });
        return state;
    }

    /// <summary>The document, following a journey through these stages.</summary>
    public static CustomerDocument WithJourney(this CustomerDocument doc, params (Stage Stage, DateTimeOffset At)[] stages)
    {
        ArgumentNullException.ThrowIfNull(doc);
        doc.FollowJourney(Stages(stages));
        return doc;
    }
}
