using System.Diagnostics.CodeAnalysis;
using Journey.Domain.Events;

namespace Journey.Domain.Collection;

/// <summary>The outcome of reading collector input: the events it holds, or the one error that rejects it all.</summary>
public sealed class CollectionResult
{
    private static readonly JourneyEvent[] NoEvents = [];

    private CollectionResult(IReadOnlyList<JourneyEvent> events, CollectionError? error)
    {
        Events = events;
        Error = error;
    }

    /// <summary>The events read, in input order (one for a single message or pixel hit); empty on failure.</summary>
    public IReadOnlyList<JourneyEvent> Events { get; }

    /// <summary>The reason the input was rejected; null on success.</summary>
    public CollectionError? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>The event of a single message or pixel hit (the first event of a batch); null on failure.</summary>
    public JourneyEvent? Event => Events.Count > 0 ? Events[0] : null;

    public static CollectionResult Success(JourneyEvent @event) => new([@event], null);

    public static CollectionResult Success(IReadOnlyList<JourneyEvent> events) => new(events, null);

    public static CollectionResult Failure(CollectionError error) => new(NoEvents, error);

    public static CollectionResult Failure(string field, string error) => new(NoEvents, new CollectionError(error, field));

    public override string ToString() => IsSuccess ? $"{Events.Count} event(s)" : $"{Error.Field}: {Error.Error}";
}
