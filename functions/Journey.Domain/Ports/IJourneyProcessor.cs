namespace Journey.Domain.Ports;

/// <summary>
/// The one code path that turns a batch of stream records into customer documents, transitions
/// and dead letters. The local dispatcher and the Event Hubs trigger both call it. It is
/// idempotent: re-applying a batch changes nothing. It throws only for transient failures
/// (store unavailable), in which case the caller retries the whole batch.
/// </summary>
public interface IJourneyProcessor
{
    Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> batch, CancellationToken cancellationToken);
}

/// <summary>What one batch did.</summary>
public sealed record BatchResult(
    int Received,
    int Applied,
    int Duplicates,
    int DeadLettered,
    int Bots,
    int CustomerWrites,
    int TransitionWrites,
    int Suppressed = 0);
