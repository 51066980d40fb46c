using System.Diagnostics.CodeAnalysis;
using Journey.Domain.Customers;
using Journey.Domain.Metrics;

namespace Journey.Domain.Ports;

/// <summary>A document together with the concurrency token (ETag) it was read with.</summary>
public sealed record Versioned<T>(T Document, string ETag);

/// <summary>A write lost an optimistic-concurrency race (ETag mismatch, or the id already exists).</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);

/// <summary>
/// The store failed, or its answer was lost, and the same request may succeed later: the batch is
/// delivered again. Adapters throw it for every failure they do not know to be permanent (throttling,
/// timeouts, 5xx, a status they do not know, a connection that dropped after the request was sent).
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The store refuses this document for its content (it is over the store's size limit, or its id is
/// one the store cannot hold): sending it again will fail again, so the events that made it are
/// dead-lettered instead of blocking their partition.
/// </summary>
public sealed class DocumentRejectedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The <c>customers</c> container: one document per customer, with ETag concurrency.</summary>
public interface ICustomerStore
{
    /// <summary>The customer document with this id, or null when there is none.</summary>
    Task<Versioned<CustomerDocument>?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// True when the stored document's ETag is still <paramref name="etag"/> (nobody wrote it since);
    /// false when it was written again, or is gone. Cheaper than <see cref="GetAsync"/>: no document is
    /// read back (the write path asks it after every write that changed transitions).
    /// </summary>
    Task<bool> IsCurrentAsync(string id, string etag, CancellationToken cancellationToken);

    /// <summary>Creates the document; throws <see cref="ConcurrencyConflictException"/> if the id exists. Returns the new ETag.</summary>
    Task<string> CreateAsync(CustomerDocument document, CancellationToken cancellationToken);

    /// <summary>Replaces the document if its stored ETag is <paramref name="ifMatch"/>; throws <see cref="ConcurrencyConflictException"/> otherwise (also when it is missing). Returns the new ETag.</summary>
    Task<string> ReplaceAsync(CustomerDocument document, string ifMatch, CancellationToken cancellationToken);

    /// <summary>Deletes the document; true if it existed.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Every customer document without the processor's state (<c>journey</c> empty, no
    /// <c>pendingMerge</c>), streamed with bounded memory, in no particular order: what readers of the
    /// projection need (the daily job, the dashboard), at a fraction of the parsing cost.
    /// <see cref="GetAsync"/> gives the whole document.
    /// </summary>
    IAsyncEnumerable<CustomerDocument> ScanProjectionsAsync(CancellationToken cancellationToken);
}

/// <summary>The <c>transitions</c> container: one document per stage change, deterministic ids.</summary>
public interface ITransitionStore
{
    /// <summary>Inserts or overwrites the documents by id (idempotent).</summary>
    Task UpsertAsync(IReadOnlyCollection<TransitionDocument> transitions, CancellationToken cancellationToken);

    /// <summary>The transitions of one customer, ordered by event time.</summary>
    Task<IReadOnlyList<TransitionDocument>> ListAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>Deletes these transitions of the customer; ids that do not exist are skipped (a late event can undo a stage, say by joining two sessions into one).</summary>
    Task DeleteAsync(string customerId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>Deletes every transition of the customer (used when a profile is merged into another, or erased).</summary>
    Task DeleteAllAsync(string customerId, CancellationToken cancellationToken);
}

/// <summary>The <c>deadletter</c> container: events that could not be processed, with reason and raw payload.</summary>
public interface IDeadLetterStore
{
    /// <summary>Inserts or overwrites by id (the id is deterministic from the stream position, so replays add nothing).</summary>
    Task AddAsync(DeadLetterDocument document, CancellationToken cancellationToken);

    /// <summary>The dead letters of one UTC day (yyyy-MM-dd).</summary>
    Task<IReadOnlyList<DeadLetterDocument>> ListAsync(string day, CancellationToken cancellationToken);
}

/// <summary>Readiness of the store for <c>/health</c>.</summary>
public interface IStoreHealth
{
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);
}

/// <summary>The <c>metrics</c> container: the daily job's documents, one per kind per as-of date.</summary>
public interface IMetricsStore
{
    /// <summary>Inserts or overwrites the document by id (idempotent).</summary>
    Task UpsertAsync(MetricsDocument document, CancellationToken cancellationToken);

    /// <summary>The document of this kind for this as-of date (yyyy-MM-dd), or null.</summary>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "date is the metrics document's date field (id {kind}:{date}, the Cosmos query on c.date); C# only, no Visual Basic implementer.")]
    Task<MetricsDocument?> GetAsync(string kind, string date, CancellationToken cancellationToken);

    /// <summary>Every document of one as-of date, ordered by kind.</summary>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "date is the metrics document's date field (id {kind}:{date}, the Cosmos query on c.date); C# only, no Visual Basic implementer.")]
    Task<IReadOnlyList<MetricsDocument>> ListAsync(string date, CancellationToken cancellationToken);

    /// <summary>The latest as-of date with any document, or null when the job never ran.</summary>
    Task<string?> LatestDateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The documents of one kind whose as-of date (yyyy-MM-dd) lies from <paramref name="since"/> to
    /// <paramref name="until"/>, both included, ordered by date: a series over time (one partition in Cosmos DB).
    /// </summary>
    Task<IReadOnlyList<MetricsDocument>> ListSeriesAsync(string kind, string since, string until, CancellationToken cancellationToken);
}

/// <summary>What the daily job sets on one customer as of its date: new <see cref="Predictions"/>, a new lifecycle status, or both (null: unchanged).</summary>
public sealed record PredictionUpdate(string CustomerId, Predictions? Predictions, LifecycleStatus? Lifecycle = null);

/// <summary>A customer's lifecycle status as of a date, and the as-of date of the first run that found it.</summary>
public sealed record LifecycleStatus(string Status, string Since);

/// <summary>
/// Writes the daily job's part of customer documents (<c>predictions</c>, <c>lifecycle.status</c> and
/// <c>lifecycle.since</c>) without touching the rest (a patch: the processor may be replacing the same
/// documents concurrently and must not lose either write).
/// </summary>
public interface IPredictionStore
{
    /// <summary>Sets the given parts on each existing customer; ids that no longer exist are skipped.</summary>
    Task PatchPredictionsAsync(IReadOnlyCollection<PredictionUpdate> updates, CancellationToken cancellationToken);
}
