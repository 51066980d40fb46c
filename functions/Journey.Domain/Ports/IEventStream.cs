using System.Diagnostics.CodeAnalysis;
using Journey.Domain.Events;

namespace Journey.Domain.Ports;

/// <summary>
/// The producer side of the event stream (Event Hubs in the cloud, the embedded log locally).
/// <see cref="AppendAsync"/> completes only once the stream has durably accepted every event;
/// it throws <see cref="StreamUnavailableException"/> when it cannot, and then none of the
/// events may be assumed accepted (the client retries; duplicates are dropped downstream).
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "An event stream in the Event Hubs sense, the domain's term, not a System.IO.Stream; the port is named so across the code and the tests.")]
public interface IEventStream
{
    /// <summary>Appends the events, each to the partition of its profile key.</summary>
    Task AppendAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken);

    /// <summary>True when the stream accepts writes.</summary>
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);
}

/// <summary>The stream could not durably accept events; the caller should retry later.</summary>
public sealed class StreamUnavailableException : Exception
{
    public StreamUnavailableException(string message, Exception? inner = null, TimeSpan? retryAfter = null)
        : base(message, inner) => RetryAfter = retryAfter ?? TimeSpan.FromSeconds(5);

    public TimeSpan RetryAfter { get; }
}

/// <summary>
/// One record delivered by the stream to the processor: its partition, its sequence number in
/// that partition (strictly increasing), when the stream accepted it, and its raw body (the
/// UTF-8 JSON of a <see cref="JourneyEvent"/>, or anything a misbehaving producer wrote).
/// </summary>
public readonly record struct StreamRecord(string Partition, long SequenceNumber, DateTimeOffset EnqueuedAt, ReadOnlyMemory<byte> Body);
