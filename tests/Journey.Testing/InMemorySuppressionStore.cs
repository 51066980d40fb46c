using System.Collections.Concurrent;
using Journey.Domain.Ports;
using Journey.Domain.Privacy;

namespace Journey.Testing;

/// <summary>The suppression list in memory, with a switch to make its reads fail (a store that is down) and a count of them.</summary>
public sealed class InMemorySuppressionStore : ISuppressionStore
{
    private readonly ConcurrentDictionary<string, SuppressionEntry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private byte[]? _key;
    private int _lists;

    /// <summary>When set, <see cref="ListAsync"/> throws <see cref="StoreUnavailableException"/>.</summary>
    public bool Unavailable { get; set; }

    /// <summary>Calls of <see cref="ListAsync"/> so far.</summary>
    public int Lists => Volatile.Read(ref _lists);

    public IReadOnlyCollection<SuppressionEntry> Entries => [.. _entries.Values];

    public Task<byte[]> GetOrAddKeyAsync(byte[] candidate, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_key ??= [.. candidate]);
    }

    public Task AddAsync(IReadOnlyCollection<SuppressionEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries) _entries.TryAdd(entry.Hash, entry);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SuppressionEntry>> ListAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lists);
        if (Unavailable) throw new StoreUnavailableException("The suppression store is down (test).");
        return Task.FromResult<IReadOnlyList<SuppressionEntry>>([.. _entries.Values]);
    }
}
