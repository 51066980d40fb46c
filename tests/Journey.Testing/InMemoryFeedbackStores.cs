using System.Runtime.CompilerServices;
using Journey.Domain.Feedback;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing;

/// <summary>
/// A feedback store fake: items kept as JSON (as a real store round-trips them), the embedding apart
/// (as the adapters keep it). <see cref="FailNextAdds"/> makes the next calls of <see cref="AddAsync"/>
/// fail with <see cref="StoreUnavailableException"/> before anything is stored. Thread-safe.
/// </summary>
public sealed class InMemoryFeedbackStore : IFeedbackStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Json, FeedbackEmbedding? Embedding)> _items = new(StringComparer.Ordinal);
    private int _failNextAdds;
    private int _addCalls;

    /// <summary>Calls of <see cref="AddAsync"/> that will fail (then counts down).</summary>
    public int FailNextAdds
    {
        get => Volatile.Read(ref _failNextAdds);
        set => Volatile.Write(ref _failNextAdds, value);
    }

    /// <summary>Calls of <see cref="AddAsync"/> so far, failed ones included.</summary>
    public int AddCalls => Volatile.Read(ref _addCalls);

    public int Count
    {
        get
        {
            lock (_gate) return _items.Count;
        }
    }

    public Task AddAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _addCalls);
        if (Interlocked.Decrement(ref _failNextAdds) >= 0)
            return Task.FromException(new StoreUnavailableException("The feedback store is down (injected)."));
        Interlocked.Exchange(ref _failNextAdds, 0);
        lock (_gate)
        {
            foreach (var item in items)
            {
                ArgumentNullException.ThrowIfNull(item, nameof(items));
                ArgumentException.ThrowIfNullOrEmpty(item.Id, "item.Id");
                _items.TryAdd(item.Id, (JourneyJson.Serialize(WithoutEmbedding(item)), item.Embedding));
            }
        }
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<FeedbackItem> ListAsync(DateTimeOffset since, DateTimeOffset until, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        List<FeedbackItem> found;
        lock (_gate)
        {
            found = [.. _items.Values.Select(Read).Where(i => i.Time >= since && i.Time < until)];
        }
        foreach (var item in found.OrderBy(i => i.Time.UtcTicks).ThenBy(i => i.Id, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    public Task SetEmbeddingsAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var item in items)
            {
                if (item.Embedding is null || !_items.TryGetValue(item.Id, out var stored)) continue;
                _items[item.Id] = (stored.Json, new FeedbackEmbedding(item.Embedding.Model, [.. item.Embedding.Vector]));
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Every stored item (for assertions), ordered by id.</summary>
    public IReadOnlyList<FeedbackItem> All()
    {
        lock (_gate) return [.. _items.Values.Select(Read).OrderBy(i => i.Id, StringComparer.Ordinal)];
    }

    /// <summary>Removes the item with this id; true when it was stored.</summary>
    public bool Remove(string id)
    {
        lock (_gate) return _items.Remove(id);
    }

    private static FeedbackItem Read((string Json, FeedbackEmbedding? Embedding) stored)
    {
        var item = JourneyJson.Deserialize<FeedbackItem>(stored.Json);
        item.Embedding = stored.Embedding is null ? null : new FeedbackEmbedding(stored.Embedding.Model, [.. stored.Embedding.Vector]);
        return item;
    }

    private static FeedbackItem WithoutEmbedding(FeedbackItem item)
    {
        var copy = JourneyJson.Deserialize<FeedbackItem>(JourneyJson.Serialize(item));
        copy.Embedding = null;
        return copy;
    }
}

/// <summary>A pain-point store fake; documents kept as JSON. Thread-safe.</summary>
public sealed class InMemoryPainPointStore : IPainPointStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, string>> _periods = new(StringComparer.Ordinal);

    public Task ReplacePeriodAsync(string period, IReadOnlyCollection<PainPointDocument> documents, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(period);
        ArgumentNullException.ThrowIfNull(documents);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var document in documents)
        {
            ArgumentNullException.ThrowIfNull(document, nameof(documents));
            if (document.Period != period) throw new ArgumentException($"Document {document.Id} is of period {document.Period}, not {period}.", nameof(documents));
        }
        lock (_gate)
        {
            _periods[period] = documents.ToDictionary(d => d.Id, d => JourneyJson.Serialize(d), StringComparer.Ordinal);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PainPointDocument>> ListAsync(string period, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(period);
        lock (_gate)
        {
            return Task.FromResult(_periods.TryGetValue(period, out var documents) ? ByRank(documents.Values) : (IReadOnlyList<PainPointDocument>)[]);
        }
    }

    public Task<IReadOnlyList<PainPointDocument>> LatestAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var latest = _periods.Values
                .Select(d => ByRank(d.Values))
                .Where(d => d.Count > 0)
                .OrderByDescending(d => d.Max(p => p.GeneratedAt.UtcTicks))
                .ThenByDescending(d => d[0].Period, StringComparer.Ordinal)
                .FirstOrDefault();
            return Task.FromResult(latest ?? (IReadOnlyList<PainPointDocument>)[]);
        }
    }

    /// <summary>Every document of every period.</summary>
    public IReadOnlyList<PainPointDocument> All()
    {
        lock (_gate) return [.. _periods.Values.SelectMany(d => ByRank(d.Values))];
    }

    /// <summary>Overwrites one document in its period.</summary>
    public void Put(PainPointDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        lock (_gate)
        {
            if (!_periods.TryGetValue(document.Period, out var documents)) _periods[document.Period] = documents = new Dictionary<string, string>(StringComparer.Ordinal);
            documents[document.Id] = JourneyJson.Serialize(document);
        }
    }

    private static IReadOnlyList<PainPointDocument> ByRank(IEnumerable<string> documents) =>
        [.. documents.Select(JourneyJson.Deserialize<PainPointDocument>).OrderBy(d => d.Rank).ThenBy(d => d.Id, StringComparer.Ordinal)];
}
