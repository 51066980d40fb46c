using System.Collections.Concurrent;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Microsoft.Extensions.Logging;

namespace Journey.Application.Processing;

/// <summary>
/// Identity stitching. An identify (userId + anonymousId) or an alias (previousId → userId)
/// links a source id to a target id: the source's profile is merged into the target's, and the
/// source id keeps a redirect document so later events of either id land on the merged profile.
///
/// The merge is a two-step saga that survives a crash and concurrent writers on other
/// partitions: (1) the source document is replaced, with its ETag, by a redirect carrying the
/// profile as <see cref="CustomerDocument.PendingMerge"/>; (2) the profile is absorbed into the
/// target (idempotent: the target records the source in <see cref="CustomerDocument.MergedIds"/>),
/// then the pending copy is cleared. Whoever meets a redirect with a pending merge finishes it.
/// </summary>
/// <remarks>
/// Following redirects only looks at documents (<see cref="CachedCustomerStore.PeekAsync"/>); only the
/// document a caller will change is taken out of the cache. Links that are settled (done, or declined
/// for good) and completed redirects are remembered, so a batch delivered again costs no store request
/// for them.
/// </remarks>
public sealed class IdentityStitcher(
    CachedCustomerStore customers,
    ITransitionStore transitions,
    CustomerUpdate update,
    CustomerWriter writer,
    TimeProvider clock,
    ILogger<IdentityStitcher> logger)
{
    private const int MaxHops = 16;
    private const int MaxAttempts = 20;
    private const int MaxRemembered = 200_000;

    /// <summary>Completed redirects (id → id they point to). Completed redirects never change, so remembering them is safe.</summary>
    private readonly ConcurrentDictionary<string, string> _redirects = new(StringComparer.Ordinal);

    /// <summary>Links that need no more work: merged, or declined for a reason that cannot change (the source is another user, or merged elsewhere).</summary>
    private readonly ConcurrentDictionary<(string Source, string Target), bool> _settled = new();

    /// <summary>The id of the document that holds this id's profile now (following redirects, finishing pending merges). Takes nothing out of the cache.</summary>
    public async Task<string> ResolveAsync(string id, CancellationToken ct) => (await ResolveDocumentAsync(id, ct)).Id;

    /// <summary>
    /// The document that holds this id's profile now (null when there is none yet), taken out of the
    /// cache for the caller to change, and its id.
    /// </summary>
    public async Task<(string Id, Versioned<CustomerDocument>? Stored)> FindAsync(string id, CancellationToken ct)
    {
        var (resolved, seen) = await ResolveDocumentAsync(id, ct);
        return (resolved, seen is null ? null : await customers.GetAsync(resolved, ct));
    }

    /// <summary>Follows redirects from <paramref name="id"/>, looking at documents without taking them; the last one seen, if any.</summary>
    private async Task<(string Id, Versioned<CustomerDocument>? Seen)> ResolveDocumentAsync(string id, CancellationToken ct)
    {
        var current = id;
        for (var hop = 0; hop < MaxHops; hop++)
        {
            if (_redirects.TryGetValue(current, out var cached))
            {
                current = cached;
                continue;
            }
            var seen = await customers.PeekAsync(current, ct);
            if (seen is null || !seen.Document.IsRedirect) return (current, seen);
            if (seen.Document.PendingMerge is not null) await CompleteMergeAsync(seen, ct);
            else Remember(current, seen.Document.MergedInto!);
            current = seen.Document.MergedInto!;
        }
        logger.TooManyRedirects(id, MaxHops, current);
        return (current, null);
    }

    /// <summary>Links <paramref name="source"/> to <paramref name="target"/>: merges the source's profile into the target's.</summary>
    public async Task LinkAsync(string source, string target, bool allowUserMerge, CancellationToken ct)
    {
        if (_settled.ContainsKey((source, target))) return;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var resolvedTarget = await ResolveAsync(target, ct);
            if (resolvedTarget == source)
            {
                logger.LinkWouldLoop(source, target);
                return;
            }

            var stored = await customers.PeekAsync(source, ct);
            try
            {
                if (stored is null)
                {
                    // Nothing to move yet: a redirect makes the source's later events land on the target.
                    await customers.CreateAsync(new CustomerDocument { Id = source, MergedInto = target, UpdatedAt = clock.GetUtcNow() }, ct);
                    Remember(source, target);
                    Settle(source, target);
                    return;
                }

                var doc = stored.Document;
                if (doc.IsRedirect)
                {
                    if (doc.PendingMerge is not null) await CompleteMergeAsync(stored, ct);
                    var resolvedSource = await ResolveAsync(doc.MergedInto!, ct);
                    if (resolvedSource != resolvedTarget)
                        logger.AlreadyMergedElsewhere(source, doc.MergedInto, target);
                    Settle(source, target);
                    return;
                }

                if (doc.UserId is not null && doc.UserId != target && !allowUserMerge)
                {
                    logger.IdentifyDoesNotMergeUsers(source, doc.UserId);
                    Settle(source, target);
                    return;
                }

                var redirect = new CustomerDocument { Id = source, MergedInto = target, PendingMerge = doc, UpdatedAt = clock.GetUtcNow() };
                var etag = await customers.ReplaceAsync(redirect, stored.ETag, ct);
                await CompleteMergeAsync(new Versioned<CustomerDocument>(redirect, etag), ct);
                Settle(source, target);
                return;
            }
            catch (ConcurrencyConflictException)
            {
                logger.LinkConflictRetry(source, target);
            }
        }
        throw new StoreUnavailableException($"Linking {source} to {target} kept conflicting with concurrent writers after {MaxAttempts} attempts.");
    }

    /// <summary>Step 2 of the merge: absorb the pending profile into the target, then clear the pending copy.</summary>
    private async Task CompleteMergeAsync(Versioned<CustomerDocument> redirect, CancellationToken ct)
    {
        var source = redirect.Document;
        var pending = source.PendingMerge!;
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 2 * MaxAttempts)
                throw new StoreUnavailableException($"Merging {source.Id} into {source.MergedInto} kept conflicting with concurrent writers.");
            var targetId = await ResolveAsync(source.MergedInto!, ct);
            var stored = await customers.GetAsync(targetId, ct);
            if (stored?.Document.IsRedirect == true) continue; // merged away meanwhile: resolve again
            if (stored is not null && stored.Document.MergedIds.Contains(source.Id))
            {
                // Absorbed already: by someone else, or by an earlier delivery that may have stopped before the target's transitions.
                await writer.ReconcileAsync(stored, ct);
                break;
            }
            var doc = stored?.Document ?? CustomerUpdate.NewProfile(targetId);

            try
            {
                update.Absorb(doc, source.Id, pending);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new EventsNotApplicableException($"the profile {source.Id} cannot be merged into {targetId}: {ex.GetType().Name}: {ex.Message}", ex);
            }
            try
            {
                await writer.WriteAsync(doc, stored, someKnown: false, ct);
                logger.ProfileMerged(source.Id, targetId);
                break;
            }
            catch (ConcurrencyConflictException)
            {
                logger.MergeConflictRetry(targetId, source.Id);
            }
        }

        await transitions.DeleteAllAsync(source.Id, ct);
        try
        {
            await customers.ReplaceAsync(new CustomerDocument { Id = source.Id, MergedInto = source.MergedInto, UpdatedAt = clock.GetUtcNow() }, redirect.ETag, ct);
        }
        catch (ConcurrencyConflictException)
        {
            // Someone else finished the merge first; the pending copy is theirs to clear.
        }
        Remember(source.Id, source.MergedInto!);
    }

    private void Remember(string source, string target)
    {
        if (_redirects.Count > MaxRemembered) _redirects.Clear();
        _redirects[source] = target;
    }

    private void Settle(string source, string target)
    {
        if (_settled.Count > MaxRemembered) _settled.Clear();
        _settled[(source, target)] = true;
    }
}
