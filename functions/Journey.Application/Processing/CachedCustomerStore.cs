using Journey.Domain.Processing;
using System.Collections.Concurrent;
using Journey.Domain.Customers;
using Journey.Domain.Ports;

namespace Journey.Application.Processing;

/// <summary>
/// Keeps the customer documents this processor wrote last, so that the next batch of the same
/// customer (the usual case: a partition's batches follow each other) skips reading and
/// deserializing the document again. Optimistic concurrency keeps it safe: a cached document is
/// handed out with the ETag it was written with, so if anyone else changed it meanwhile the next
/// write fails with a conflict and the processor re-reads from the store. A document is handed
/// to one caller at a time (taken out of the cache) and cached again only when written. At most
/// <c>capacity</c> documents are kept (a document can reach a few hundred KB, so the default is small).
/// One instance serves the processor (built in the composition root); other readers use the store.
/// </summary>
public sealed class CachedCustomerStore(ICustomerStore inner, int capacity = 1_000) : ICustomerStore
{
    private readonly ConcurrentDictionary<string, Versioned<CustomerDocument>> _cache = new(StringComparer.Ordinal);

    private long _hits;
    private long _misses;

    /// <summary>Reads served from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Reads that went to the store.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    public async Task<Versioned<CustomerDocument>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (_cache.TryRemove(id, out var cached))
        {
            Interlocked.Increment(ref _hits);
            return cached;
        }
        Interlocked.Increment(ref _misses);
        return await inner.GetAsync(id, cancellationToken);
    }

    /// <summary>Asks the store (whatever is cached); a cached copy that is no longer current is forgotten.</summary>
    public async Task<bool> IsCurrentAsync(string id, string etag, CancellationToken cancellationToken)
    {
        var current = await inner.IsCurrentAsync(id, etag, cancellationToken);
        if (!current && _cache.TryGetValue(id, out var cached) && cached.ETag == etag) _cache.TryRemove(KeyValuePair.Create(id, cached));
        return current;
    }

    public async Task<string> CreateAsync(CustomerDocument document, CancellationToken cancellationToken)
    {
        _cache.TryRemove(document.Id, out _);
        var etag = await inner.CreateAsync(document, cancellationToken);
        Remember(document, etag);
        return etag;
    }

    public async Task<string> ReplaceAsync(CustomerDocument document, string ifMatch, CancellationToken cancellationToken)
    {
        _cache.TryRemove(document.Id, out _);
        var etag = await inner.ReplaceAsync(document, ifMatch, cancellationToken);
        Remember(document, etag);
        return etag;
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        _cache.TryRemove(id, out _);
        return inner.DeleteAsync(id, cancellationToken);
    }

    /// <summary>
    /// The document without taking it out of the cache (one read from the store, kept here, when it
    /// is not cached): for readers that only look at it, such as identity resolution following
    /// redirects. The caller must not change it; to change a document, take it with <see cref="GetAsync"/>.
    /// </summary>
    public async Task<Versioned<CustomerDocument>?> PeekAsync(string id, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(id, out var cached))
        {
            Interlocked.Increment(ref _hits);
            return cached;
        }
        Interlocked.Increment(ref _misses);
        var stored = await inner.GetAsync(id, cancellationToken);
        if (stored is not null && _cache.Count < capacity) _cache.TryAdd(id, stored);
        return stored;
    }

    /// <summary>
    /// Hands back a document taken with <see cref="GetAsync"/> and not written (nothing in it changed),
    /// so that the next read finds it here again; unless something else was cached for its id meanwhile.
    /// </summary>
    public void Return(Versioned<CustomerDocument> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        if (_cache.Count < capacity) _cache.TryAdd(taken.Document.Id, taken);
    }

    /// <summary>Drops the cached copy of <paramref name="id"/>, so that the next read goes to the store.</summary>
    public void Forget(string id) => _cache.TryRemove(id, out _);

    /// <summary>
    /// The document as the store holds it now, whatever is cached (to tell whether another writer
    /// changed it since this processor wrote it). A cached copy older than that is forgotten.
    /// </summary>
    public async Task<Versioned<CustomerDocument>?> GetFromStoreAsync(string id, CancellationToken cancellationToken)
    {
        var stored = await inner.GetAsync(id, cancellationToken);
        if (_cache.TryGetValue(id, out var cached) && cached.ETag != stored?.ETag)
            _cache.TryRemove(KeyValuePair.Create(id, cached));
        return stored;
    }

    public IAsyncEnumerable<CustomerDocument> ScanProjectionsAsync(CancellationToken cancellationToken) => inner.ScanProjectionsAsync(cancellationToken);

    private void Remember(CustomerDocument document, string etag)
    {
        if (_cache.Count >= capacity) _cache.Clear();
        _cache[document.Id] = new Versioned<CustomerDocument>(document, etag);
    }
}
