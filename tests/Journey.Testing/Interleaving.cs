using System.Runtime.CompilerServices;
using Journey.Domain.Customers;
using Journey.Domain.Ports;

namespace Journey.Testing;

/// <summary>
/// Runs concurrent flows (say, two processors on two partitions) one store operation at a time, in
/// an order a seeded random choice decides: every operation waits until each live flow is waiting
/// for its next one, then one of them, picked at random, goes ahead. The same seed gives the same
/// interleaving; many seeds explore many. Each flow must be sequential (one operation at a time).
/// </summary>
public sealed class Interleaving(int seed)
{
    private readonly Random _random = new(seed);
    private readonly List<TaskCompletionSource> _waiting = [];
    private readonly Lock _gate = new();
    private int _live;

    /// <summary>Operations let through so far.</summary>
    public int Steps { get; private set; }

    /// <summary>Runs the flows to the end, interleaved; their exceptions are rethrown after all ended.</summary>
    public async Task RunAsync(params Func<Task>[] flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        lock (_gate) _live = flows.Length;
        var tasks = flows.Select(flow => Task.Run(async () =>
        {
            try
            {
                await flow();
            }
            finally
            {
                lock (_gate)
                {
                    _live--;
                    ReleaseOneIfAllWait();
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
    }

    /// <summary>Waits for this flow's turn.</summary>
    public Task StepAsync()
    {
        var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_live == 0) return Task.CompletedTask; // not inside RunAsync: no one to wait for
            _waiting.Add(turn);
            ReleaseOneIfAllWait();
        }
        return turn.Task;
    }

    private void ReleaseOneIfAllWait()
    {
        if (_waiting.Count == 0 || _waiting.Count < _live) return;
        var i = _random.Next(_waiting.Count);
        var next = _waiting[i];
        _waiting.RemoveAt(i);
        Steps++;
        next.SetResult();
    }

    /// <summary>The customer and transition stores of <paramref name="inner"/>, each operation taking its turn.</summary>
    public InterleavedStore Over(InMemoryJourneyStore inner) => new(this, inner);
}

/// <summary>An <see cref="InMemoryJourneyStore"/> whose every operation waits for its turn in an <see cref="Interleaving"/>.</summary>
public sealed class InterleavedStore(Interleaving interleaving, InMemoryJourneyStore inner) : ICustomerStore, ITransitionStore, IDeadLetterStore
{
    public async Task<Versioned<CustomerDocument>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await interleaving.StepAsync();
        return await inner.GetAsync(id, cancellationToken);
    }

    public async Task<bool> IsCurrentAsync(string id, string etag, CancellationToken cancellationToken)
    {
        await interleaving.StepAsync();
        return await inner.IsCurrentAsync(id, etag, cancellationToken);
    }

    public async Task<string> CreateAsync(CustomerDocument document, CancellationToken cancellationToken)
    {
        await interleaving.StepAsync();
        return await inner.CreateAsync(document, cancellationToken);
    }

    public async Task<string> ReplaceAsync(CustomerDocument document, string ifMatch, CancellationToken cancellationToken)
    {
        await interleaving.StepAsync();
        return await inner.ReplaceAsync(document, ifMatch, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await interleaving.StepAsync();
        return await inner.DeleteAsync(id, cancellationToken);
    }

    public async IAsyncEnumerable<CustomerDocument> ScanProjectionsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await interleaving.StepAsync();
        await foreach (var doc in inner.ScanProjectionsAsync(cancellationToken)) yield return doc;
    }

    public async Task UpsertAsync(IReadOnlyCollection<TransitionDocument> transitions, CancellationToken cancellationToken)
    {
        // One turn per document, as Cosmos DB writes them one by one.
        foreach (var t in transitions)
        {
            await interleaving.StepAsync();
            await inner.UpsertAsync([t], cancellationToken);
        }
    }

    public async Task<IReadOnlyList<TransitionDocument>> ListAsync(string customerId, CancellationToken cancellationToken)
    {
        await interleaving.StepAsync();
        return await inner.ListAsync(customerId, cancellationToken);
    }

    public async Task DeleteAsync(string customerId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            await interleaving.StepAsync();
            await inner.DeleteAsync(customerId, [id], cancellationToken);
        }
    }

    public async Task DeleteAllAsync(string customerId, CancellationToken cancellationToken)
    {
        await interleaving.StepAsync();
        await inner.DeleteAllAsync(customerId, cancellationToken);
    }

    public async Task AddAsync(DeadLetterDocument document, CancellationToken cancellationToken)
    {
        await interleaving.StepAsync();
        await inner.AddAsync(document, cancellationToken);
    }

    Task<IReadOnlyList<DeadLetterDocument>> IDeadLetterStore.ListAsync(string day, CancellationToken cancellationToken) =>
        ((IDeadLetterStore)inner).ListAsync(day, cancellationToken);
}
