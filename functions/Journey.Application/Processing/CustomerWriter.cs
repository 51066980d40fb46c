using System.Runtime.CompilerServices;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Microsoft.Extensions.Logging;

namespace Journey.Application.Processing;

/// <summary>
/// The one write path of a customer: the document, written with optimistic concurrency (its ETag),
/// then the transition documents it implies, brought in line with it.
/// </summary>
/// <remarks>
/// The document goes first: a writer that loses the race has written nothing at all, and retries
/// from the winner's version. Its transitions follow, and only then does the writer check that the
/// document is still the version it wrote; if another writer wrote it since (and may have written
/// its transitions before this one's landed), the transitions are brought in line with the
/// document as it is now, until the document stays put. So once writers stop, the
/// <c>transitions</c> container equals what the document implies, whatever the interleaving.
/// A writer may stop between its document and its transitions (a crash, a store failure); its batch
/// then fails and is delivered again, and what it wrote is found again: a group whose events the
/// document holds already (<see cref="ReconcileAsync"/>), a group of which some are held (a batch cut
/// differently), a merge already absorbed. Each of these compares the container with the document
/// itself (one single-partition query) and brings it in line, unless this writer wrote that very
/// document object and its transitions and saw it stay put (it keeps it in its cache, marked).
/// </remarks>
public sealed class CustomerWriter(CachedCustomerStore customers, ITransitionStore transitions, CustomerUpdate update, TimeProvider clock, ILogger<CustomerWriter> logger)
{
    /// <summary>Rounds of transition writes before giving up on a document that keeps changing (the batch is then delivered again).</summary>
    private const int MaxSyncRounds = 20;

    private static readonly object Marker = new();

    /// <summary>The document objects (the cache holds them) whose transitions this writer wrote and saw stay in line with them.</summary>
    private readonly ConditionalWeakTable<CustomerDocument, object> _inLine = [];

    /// <summary>
    /// Projects <paramref name="doc"/> (a re-fold of its timeline), writes it in place of
    /// <paramref name="stored"/> (creates it when null), then its transitions.
    /// </summary>
    /// <param name="doc">The document with its changes applied (events added, a profile absorbed).</param>
    /// <param name="stored">The version <paramref name="doc"/> was read as; null for a new document.</param>
    /// <param name="someKnown">
    /// Some of the events were applied already: the group may be a batch delivered again (cut differently)
    /// after a writer stopped between the document and its transitions, so unless this writer knows the
    /// stored version's transitions, they are compared with the container rather than with the document's
    /// record of them.
    /// </param>
    /// <param name="ct">Cancels the write.</param>
    /// <param name="beforeWrite">
    /// Runs after the refold (the document's projection includes the changes) and before anything is
    /// written: the processor stores the feedback of the events added there. It may run again for the same
    /// changes (a conflict retry, a batch delivered again), so it must be idempotent; when it throws, nothing
    /// of the customer is written.
    /// </param>
    /// <exception cref="ConcurrencyConflictException"><paramref name="stored"/> is no longer the current version; nothing was written.</exception>
    /// <exception cref="EventsNotApplicableException">The journey cannot be folded from these events.</exception>
    public async Task<CustomerWrite> WriteAsync(CustomerDocument doc, Versioned<CustomerDocument>? stored, bool someKnown, CancellationToken ct, Func<CustomerDocument, CancellationToken, Task>? beforeWrite = null)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var known = stored is null || _inLine.TryGetValue(stored.Document, out _);
        var reconcile = someKnown && !known;
        var recorded = doc.Journey.Transitions;
        IReadOnlyList<TransitionDocument> implied;
        try
        {
            implied = CustomerProjection.Transitions(doc, update.Refold(doc, clock.GetUtcNow()));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new EventsNotApplicableException($"the journey of customer {doc.Id} cannot be folded: {ex.GetType().Name}: {ex.Message}", ex);
        }
        if (beforeWrite is not null) await beforeWrite(doc, ct);
        var summaries = implied.Select(t => t.Summary()).ToList();
        var changes = reconcile
            ? TransitionChanges.Between(doc.Id, await transitions.ListAsync(doc.Id, ct), implied)
            : TransitionChanges.Between(doc.Id, recorded, implied, summaries);
        doc.Journey.Transitions = summaries;

        var etag = stored is null ? await customers.CreateAsync(doc, ct) : await customers.ReplaceAsync(doc, stored.ETag, ct);

        var written = 0;
        if (!changes.IsEmpty)
        {
            (written, var stayed) = await SyncAsync(doc.Id, etag, implied, changes, ct);
            if (!stayed) return new CustomerWrite(etag, written);
        }
        // The container now equals what this version implies only if the record it was compared with was
        // true: a new document, a version this writer knew, or the container itself.
        if (known || reconcile) _inLine.AddOrUpdate(doc, Marker);
        return new CustomerWrite(etag, written);
    }

    /// <summary>
    /// For a document that already holds every event of a group (a batch delivered again): it is not
    /// written, but its transitions are compared with the container and brought in line with it, in
    /// case the write that applied those events stopped before its transitions. Returns the
    /// transition documents written or deleted.
    /// </summary>
    public async Task<int> ReconcileAsync(Versioned<CustomerDocument> stored, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var written = 0;
        if (!_inLine.TryGetValue(stored.Document, out _))
        {
            (written, var stayed) = await SyncAsync(stored.Document.Id, stored.ETag, update.TransitionsOf(stored.Document), changes: null, ct);
            if (!stayed) return written;
            _inLine.AddOrUpdate(stored.Document, Marker);
        }
        customers.Return(stored); // unchanged: the next batch of this customer finds it in memory again
        return written;
    }

    /// <summary>
    /// Writes <paramref name="changes"/> (or, when null, what the container lacks of
    /// <paramref name="implied"/>), then checks that the document is still at <paramref name="etag"/>;
    /// if not, starts over from the document as it is now. Returns the transition documents written or
    /// deleted, and whether the document stayed at <paramref name="etag"/> throughout.
    /// </summary>
    private async Task<(int Written, bool Stayed)> SyncAsync(string id, string? etag, IReadOnlyList<TransitionDocument> implied, TransitionChanges? changes, CancellationToken ct)
    {
        try
        {
            return await SyncRoundsAsync(id, etag, implied, changes, ct);
        }
        catch
        {
            // Some of this writer's transition writes may have landed after another writer checked its own
            // (the same processor, or another): the cached document can no longer vouch for the container,
            // so the batch delivered again compares them from the store.
            customers.Forget(id);
            throw;
        }
    }

    private async Task<(int Written, bool Stayed)> SyncRoundsAsync(string id, string? etag, IReadOnlyList<TransitionDocument> implied, TransitionChanges? changes, CancellationToken ct)
    {
        var written = 0;
        var stayed = true;
        for (var round = 1; round <= MaxSyncRounds; round++)
        {
            changes ??= TransitionChanges.Between(id, await transitions.ListAsync(id, ct), implied);
            if (changes.Upserts.Count > 0) await transitions.UpsertAsync(changes.Upserts, ct);
            if (changes.Deletes.Count > 0) await transitions.DeleteAsync(id, changes.Deletes, ct);
            written += changes.Upserts.Count + changes.Deletes.Count;

            if (etag is not null && await customers.IsCurrentAsync(id, etag, ct)) return (written, stayed);
            var current = await customers.GetFromStoreAsync(id, ct);
            if (current?.ETag == etag) return (written, stayed); // gone, and still gone
            stayed = false;
            logger.TransitionsChangedMeanwhile(id, round);
            etag = current?.ETag;
            implied = current is null ? [] : update.TransitionsOf(current.Document);
            changes = null;
        }
        throw new StoreUnavailableException($"The transitions of customer {id} kept changing under concurrent writers ({MaxSyncRounds} rounds); the batch is delivered again.");
    }
}

/// <summary>What one customer write did: the document's new ETag and the transition documents written or deleted.</summary>
public sealed record CustomerWrite(string ETag, int TransitionWrites);

/// <summary>The transition documents to write and to delete so that a customer's transitions equal the ones its document implies.</summary>
internal sealed record TransitionChanges(IReadOnlyList<TransitionDocument> Upserts, IReadOnlyList<string> Deletes)
{
    public bool IsEmpty => Upserts.Count == 0 && Deletes.Count == 0;

    /// <summary>Against the document's record of the transitions it wrote last (<paramref name="summaries"/>: those of <paramref name="implied"/>, in order).</summary>
    public static TransitionChanges Between(string customerId, IReadOnlyList<TransitionSummary> recorded, IReadOnlyList<TransitionDocument> implied, IReadOnlyList<TransitionSummary> summaries)
    {
        var upserts = implied.Where((_, i) => !recorded.Contains(summaries[i])).ToList();
        var deletes = recorded.Where(r => !implied.Any(t => t.To == r.To)).Select(r => TransitionDocument.IdFor(customerId, r.To)).ToList();
        return new TransitionChanges(upserts, deletes);
    }

    /// <summary>Against the transition documents the container holds.</summary>
    public static TransitionChanges Between(string customerId, IReadOnlyList<TransitionDocument> stored, IReadOnlyList<TransitionDocument> implied)
    {
        var upserts = implied.Where(t => !stored.Any(s => s.Id == t.Id && s.Fingerprint() == t.Fingerprint())).ToList();
        var deletes = stored.Where(s => s.CustomerId == customerId && !implied.Any(t => t.Id == s.Id)).Select(s => s.Id).ToList();
        return new TransitionChanges(upserts, deletes);
    }
}

/// <summary>
/// The events of a group cannot be applied to their customer whatever is retried (the fold or the
/// projection fails on them): they go to the dead letters, where they can be read and replayed.
/// </summary>
public sealed class EventsNotApplicableException(string message, Exception? inner = null) : Exception(message, inner);
