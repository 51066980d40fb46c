using System.Collections.Concurrent;
using Journey.Domain.Metrics;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing;

/// <summary>A metrics store fake; documents are kept as JSON, as a real store would round-trip them.</summary>
public sealed class InMemoryMetricsStore : IMetricsStore
{
    private readonly ConcurrentDictionary<string, string> _documents = new(StringComparer.Ordinal);

    private int _upserts;

    /// <summary>Documents upserted so far.</summary>
    public int Upserts => Volatile.Read(ref _upserts);

    public Task UpsertAsync(MetricsDocument document, CancellationToken cancellationToken)
    {
        _documents[document.Id] = JourneyJson.Serialize(document);
        Interlocked.Increment(ref _upserts);
        return Task.CompletedTask;
    }

    public Task<MetricsDocument?> GetAsync(string kind, string date, CancellationToken cancellationToken) =>
        Task.FromResult(_documents.TryGetValue(MetricsDocument.IdFor(kind, date), out var json) ? JourneyJson.Deserialize<MetricsDocument>(json) : null);

    public Task<IReadOnlyList<MetricsDocument>> ListAsync(string date, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MetricsDocument>>(
        [.. _documents.Values.Select(JourneyJson.Deserialize<MetricsDocument>).Where(d => d.Date == date).OrderBy(d => d.Kind, StringComparer.Ordinal)]);

    public Task<string?> LatestDateAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_documents.Values.Select(JourneyJson.Deserialize<MetricsDocument>).Select(d => d.Date).Order(StringComparer.Ordinal).LastOrDefault());

    public Task<IReadOnlyList<MetricsDocument>> ListSeriesAsync(string kind, string since, string until, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MetricsDocument>>(
        [.. _documents.Values.Select(JourneyJson.Deserialize<MetricsDocument>)
            .Where(d => d.Kind == kind && string.CompareOrdinal(d.Date, since) >= 0 && string.CompareOrdinal(d.Date, until) <= 0)
            .OrderBy(d => d.Date, StringComparer.Ordinal)]);
}

/// <summary>Patches predictions and lifecycle statuses onto the documents of an <see cref="InMemoryJourneyStore"/>, recording every patch.</summary>
public sealed class InMemoryPredictionStore(InMemoryJourneyStore store) : IPredictionStore
{
    private readonly List<PredictionUpdate> _patched = [];

    public IReadOnlyList<PredictionUpdate> Patched => _patched;

    public int Calls { get; private set; }

    public async Task PatchPredictionsAsync(IReadOnlyCollection<PredictionUpdate> updates, CancellationToken cancellationToken)
    {
        Calls++;
        foreach (var update in updates)
        {
            _patched.Add(update);
            var current = await store.GetAsync(update.CustomerId, cancellationToken);
            if (current is null) continue;
            if (update.Predictions is not null) current.Document.Predictions = update.Predictions;
            if (update.Lifecycle is { } lifecycle)
            {
                current.Document.Lifecycle.Status = lifecycle.Status;
                current.Document.Lifecycle.Since = lifecycle.Since;
            }
            await store.ReplaceAsync(current.Document, current.ETag, cancellationToken);
        }
    }

    public void Clear() => _patched.Clear();
}
