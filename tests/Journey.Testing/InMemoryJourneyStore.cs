using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing;

/// <summary>
/// A store fake with Cosmos-like ETag semantics; documents are kept as JSON so no reference is shared
/// with the processor. The store contracts run against it too (Journey.Application.Tests/Store).
/// </summary>
public sealed class InMemoryJourneyStore : ICustomerStore, ITransitionStore, ITransitionScan, IDeadLetterStore
{
    private readonly ConcurrentDictionary<string, (string ETag, string Json)> _customers = new();
    private readonly ConcurrentDictionary<string, string> _transitions = new();
    private readonly ConcurrentDictionary<string, DeadLetterDocument> _deadLetters = new();
    private long _etag;

    private int _customerWrites;

    /// <summary>Customer documents created or replaced so far.</summary>
    public int CustomerWrites => Volatile.Read(ref _customerWrites);

    public Task<Versioned<CustomerDocument>?> GetAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_customers.TryGetValue(id, out var v)
            ? new Versioned<CustomerDocument>(JourneyJson.Deserialize<CustomerDocument>(v.Json), v.ETag)
            : null);

    public Task<bool> IsCurrentAsync(string id, string etag, CancellationToken cancellationToken) =>
        Task.FromResult(_customers.TryGetValue(id, out var v) && v.ETag == etag);

    public Task<string> CreateAsync(CustomerDocument document, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var etag = NextETag();
        if (!_customers.TryAdd(document.Id, (etag, JourneyJson.Serialize(document))))
            throw new ConcurrencyConflictException($"customer {document.Id} exists");
        Interlocked.Increment(ref _customerWrites);
        return Task.FromResult(etag);
    }

    public Task<string> ReplaceAsync(CustomerDocument document, string ifMatch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var etag = NextETag();
        if (!_customers.TryGetValue(document.Id, out var current) || current.ETag != ifMatch ||
            !_customers.TryUpdate(document.Id, (etag, JourneyJson.Serialize(document)), current))
            throw new ConcurrencyConflictException($"customer {document.Id} changed");
        Interlocked.Increment(ref _customerWrites);
        return Task.FromResult(etag);
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => Task.FromResult(_customers.TryRemove(id, out _));

    public async IAsyncEnumerable<CustomerDocument> ScanProjectionsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var (_, v) in _customers) yield return JourneyJson.DeserializeCustomerProjection(System.Text.Encoding.UTF8.GetBytes(v.Json));
    }

    public Task UpsertAsync(IReadOnlyCollection<TransitionDocument> transitions, CancellationToken cancellationToken)
    {
        foreach (var t in transitions) _transitions[t.Id] = JourneyJson.Serialize(t);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TransitionDocument>> ListAsync(string customerId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TransitionDocument>>(
        [.. _transitions.Values.Select(JourneyJson.Deserialize<TransitionDocument>).Where(t => t.CustomerId == customerId).OrderBy(t => t.At).ThenBy(t => t.To)]);

    public Task DeleteAsync(string customerId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            if (_transitions.TryGetValue(id, out var json) && JourneyJson.Deserialize<TransitionDocument>(json).CustomerId == customerId)
                _transitions.TryRemove(id, out _);
        }
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<TransitionDocument> ScanTransitionsAsync(DateTimeOffset? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var (_, json) in _transitions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var transition = JourneyJson.Deserialize<TransitionDocument>(json);
            if (since is not { } s || transition.At >= s) yield return transition;
        }
    }

    public Task DeleteAllAsync(string customerId, CancellationToken cancellationToken)
    {
        foreach (var (id, json) in _transitions)
        {
            if (JourneyJson.Deserialize<TransitionDocument>(json).CustomerId == customerId) _transitions.TryRemove(id, out _);
        }
        return Task.CompletedTask;
    }

    public Task AddAsync(DeadLetterDocument document, CancellationToken cancellationToken)
    {
        _deadLetters[document.Id] = document;
        return Task.CompletedTask;
    }

    Task<IReadOnlyList<DeadLetterDocument>> IDeadLetterStore.ListAsync(string day, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeadLetterDocument>>([.. _deadLetters.Values.Where(d => d.Day == day)]);

    public IReadOnlyList<DeadLetterDocument> DeadLetters => [.. _deadLetters.Values.OrderBy(d => d.SequenceNumber)];

    /// <summary>Removes the dead letter with this id; true when it was stored.</summary>
    public bool RemoveDeadLetter(string id) => _deadLetters.TryRemove(id, out _);

    /// <summary>Every stored transition, as JSON.</summary>
    public IReadOnlyList<string> TransitionJson => [.. _transitions.Values];

    public string? ETagOf(string id) => _customers.TryGetValue(id, out var v) ? v.ETag : null;

    public IReadOnlyList<string> CustomerIds => [.. _customers.Keys.Order()];

    private string NextETag() => $"\"{Interlocked.Increment(ref _etag)}\"";
}
