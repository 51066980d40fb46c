using Journey.Domain.Customers;
using Journey.Domain.Feedback;
using Journey.Domain.PainPoints;
using Journey.Domain.Privacy;

namespace Journey.Domain.Ports;

/// <summary>
/// What erasure and export need of the store beyond the other ports: the person's records in containers
/// that are not partitioned by customer (feedback by month, dead letters by day, pain points by period).
/// </summary>
public interface IPersonalDataStore
{
    /// <summary>Every feedback item whose <c>customerId</c> is one of <paramref name="customerIds"/>, of any period, ordered by time then id.</summary>
    Task<IReadOnlyList<FeedbackItem>> ListFeedbackByCustomersAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken);

    /// <summary>Deletes these items (by id and period); returns how many were stored.</summary>
    Task<int> DeleteFeedbackAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken);

    /// <summary>
    /// The dead letters whose <c>customerId</c> is one of <paramref name="needles"/> or whose raw payload
    /// contains one of them as text in any case: a superset the caller narrows (a raw payload that contains <c>u-1</c>
    /// may be of <c>u-10</c>).
    /// </summary>
    Task<IReadOnlyList<DeadLetterDocument>> FindDeadLettersAsync(IReadOnlyCollection<string> needles, CancellationToken cancellationToken);

    /// <summary>Deletes these dead letters (by id and day); returns how many were stored.</summary>
    Task<int> DeleteDeadLettersAsync(IReadOnlyCollection<DeadLetterDocument> letters, CancellationToken cancellationToken);

    /// <summary>The pain-point documents of every period that quote one of <paramref name="texts"/> exactly.</summary>
    Task<IReadOnlyList<PainPointDocument>> FindPainPointsQuotingAsync(IReadOnlyCollection<string> texts, CancellationToken cancellationToken);

    /// <summary>Overwrites one pain-point document (by id, in its period).</summary>
    Task ReplacePainPointAsync(PainPointDocument document, CancellationToken cancellationToken);
}

/// <summary>
/// The <c>suppressions</c> container: keyed hashes of the ids (and email addresses) of erased people, so
/// that their later events are dropped; and the installation's hashing key.
/// </summary>
public interface ISuppressionStore
{
    /// <summary>The installation's key: the stored one, or <paramref name="candidate"/>, stored now, when there is none yet (the first writer wins; everyone gets the same key).</summary>
    Task<byte[]> GetOrAddKeyAsync(byte[] candidate, CancellationToken cancellationToken);

    /// <summary>Inserts the entries whose hash is not stored yet (idempotent).</summary>
    Task AddAsync(IReadOnlyCollection<SuppressionEntry> entries, CancellationToken cancellationToken);

    /// <summary>Every entry (the processor keeps them in memory: a few dozen bytes each).</summary>
    Task<IReadOnlyList<SuppressionEntry>> ListAsync(CancellationToken cancellationToken);
}
