using System.Runtime.CompilerServices;
using Journey.Domain.Customers;
using Journey.Domain.Ports;

namespace Journey.Testing;

/// <summary>When an injected fault strikes: before the request reaches the store, or after the store applied it (the answer is lost).</summary>
public enum FaultTiming
{
    Before,
    After,
}

/// <summary>
/// A store decorator that fails a share of the requests, as a store under load or a network does:
/// each customer, transition or dead-letter request fails with probability <paramref name="rate"/>,
/// half before it reaches the store and half after the store applied it, with an exception
/// <paramref name="fault"/> chooses (a timeout, an I/O error, the adapter's own exception for a
/// status the store answered…). Seeded, so a run can be repeated. Thread-safe.
/// </summary>
public sealed class FaultyStore(ICustomerStore customers, ITransitionStore transitions, IDeadLetterStore deadLetters, double rate, int seed, Func<Random, FaultTiming, Exception> fault)
    : ICustomerStore, ITransitionStore, IDeadLetterStore
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();
    private readonly Dictionary<(FaultTiming, string), int> _injected = [];

    /// <summary>Faults injected so far, by timing and exception type.</summary>
    public IReadOnlyDictionary<(FaultTiming Timing, string Exception), int> Injected
    {
        get
        {
            lock (_gate) return new Dictionary<(FaultTiming, string), int>(_injected);
        }
    }

    /// <summary>Stops injecting faults (to read the stores back).</summary>
    public bool Enabled { get; set; } = true;

    public Task<Versioned<CustomerDocument>?> GetAsync(string id, CancellationToken cancellationToken) => Run(() => customers.GetAsync(id, cancellationToken));

    public Task<bool> IsCurrentAsync(string id, string etag, CancellationToken cancellationToken) => Run(() => customers.IsCurrentAsync(id, etag, cancellationToken));

    public Task<string> CreateAsync(CustomerDocument document, CancellationToken cancellationToken) => Run(() => customers.CreateAsync(document, cancellationToken));

    public Task<string> ReplaceAsync(CustomerDocument document, string ifMatch, CancellationToken cancellationToken) => Run(() => customers.ReplaceAsync(document, ifMatch, cancellationToken));

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => Run(() => customers.DeleteAsync(id, cancellationToken));

    public async IAsyncEnumerable<CustomerDocument> ScanProjectionsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var doc in customers.ScanProjectionsAsync(cancellationToken)) yield return doc;
    }

    Task ITransitionStore.UpsertAsync(IReadOnlyCollection<TransitionDocument> documents, CancellationToken cancellationToken) =>
        Run(async () =>
        {
            await transitions.UpsertAsync(documents, cancellationToken);
            return true;
        });

    public Task<IReadOnlyList<TransitionDocument>> ListAsync(string customerId, CancellationToken cancellationToken) => Run(() => transitions.ListAsync(customerId, cancellationToken));

    public Task DeleteAsync(string customerId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        Run(async () =>
        {
            await transitions.DeleteAsync(customerId, ids, cancellationToken);
            return true;
        });

    public Task DeleteAllAsync(string customerId, CancellationToken cancellationToken) =>
        Run(async () =>
        {
            await transitions.DeleteAllAsync(customerId, cancellationToken);
            return true;
        });

    public Task AddAsync(DeadLetterDocument document, CancellationToken cancellationToken) =>
        Run(async () =>
        {
            await deadLetters.AddAsync(document, cancellationToken);
            return true;
        });

    Task<IReadOnlyList<DeadLetterDocument>> IDeadLetterStore.ListAsync(string day, CancellationToken cancellationToken) =>
        Run(() => deadLetters.ListAsync(day, cancellationToken));

    private async Task<T> Run<T>(Func<Task<T>> request)
    {
        var strike = Strike();
        if (strike is { Timing: FaultTiming.Before } before) throw before.Exception;
        var result = await request();
        if (strike is { Timing: FaultTiming.After } after) throw after.Exception;
        return result;
    }

    private (FaultTiming Timing, Exception Exception)? Strike()
    {
        lock (_gate)
        {
            if (!Enabled || _random.NextDouble() >= rate) return null;
            var timing = _random.Next(2) == 0 ? FaultTiming.Before : FaultTiming.After;
            var exception = fault(_random, timing);
            var key = (timing, exception.GetType().Name);
            _injected[key] = _injected.GetValueOrDefault(key) + 1;
            return (timing, exception);
        }
    }
}
