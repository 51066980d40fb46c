using System.Net;
using System.Text.Json;
using Journey.Domain.Metrics;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Azure.Cosmos;

namespace Journey.Adapters.Store.Cosmos;

/// <summary>
/// The daily job's side of the Cosmos store: the <c>metrics</c> container (partition key
/// <c>/kind</c>, id <c>{kind}:{date}</c>) and the <c>predictions</c> patch of customer documents.
/// </summary>
public sealed partial class CosmosJourneyStore : IMetricsStore, IPredictionStore
{
    private Container MetricsContainer => GetContainer(CosmosContainers.Metrics);

    public async Task UpsertAsync(MetricsDocument document, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(document);
        ThrowIfInvalidId(document.Id, nameof(document) + ".Id");
        ArgumentException.ThrowIfNullOrEmpty(document.Kind, nameof(document) + ".Kind");
        var container = MetricsContainer;
        using var body = new MemoryStream(JourneyJson.SerializeToUtf8(document), writable: false);
        using var response = await SendAsync("Upsert", container.Id, document.Id,
            ct => container.UpsertItemStreamAsync(body, new PartitionKey(document.Kind), NoContentOnWrite(), ct), cancellationToken);
        EnsureSuccess(response, "Upsert", container.Id, document.Id);
    }

    /// <summary>A point read in the kind's partition.</summary>
    public async Task<MetricsDocument?> GetAsync(string kind, string date, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(date);
        var id = MetricsDocument.IdFor(kind, date);
        ThrowIfInvalidId(id, nameof(kind));
        var container = MetricsContainer;
        using var response = await SendAsync("Read", container.Id, id,
            ct => container.ReadItemStreamAsync(id, new PartitionKey(kind), cancellationToken: ct), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response)) return null;
        EnsureSuccess(response, "Read", container.Id, id);
        return await JsonSerializer.DeserializeAsync<MetricsDocument>(response.Content, JourneyJson.Options, cancellationToken);
    }

    /// <summary>The documents of one date: a cross-partition query on the indexed <c>date</c> (one partition per kind, a dozen kinds), ordered here by kind.</summary>
    public async Task<IReadOnlyList<MetricsDocument>> ListAsync(string date, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentException.ThrowIfNullOrEmpty(date);
        var container = MetricsContainer;
        var query = new QueryDefinition("SELECT * FROM c WHERE c.date = @date").WithParameter("@date", date);
        var documents = await QueryAllAsync<MetricsDocument>(container, query, "ListMetrics", date, cancellationToken);
        documents.Sort(static (a, b) => string.CompareOrdinal(a.Kind, b.Kind));
        return documents;
    }

    /// <summary>The latest date: the distinct dates of the (small, one document per kind per day) container, largest taken here.</summary>
    public async Task<string?> LatestDateAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var container = MetricsContainer;
        var query = new QueryDefinition("SELECT c.date FROM c");
        var dates = await QueryAllAsync(container, query, "LatestMetricsDate", "*", cancellationToken, static e => e.GetProperty("date").GetString());
        string? latest = null;
        foreach (var date in dates)
        {
            if (date is not null && (latest is null || string.CompareOrdinal(date, latest) > 0)) latest = date;
        }
        return latest;
    }

    /// <summary>
    /// One kind's documents in a date range: a query in the kind's partition on the indexed <c>date</c>
    /// (one document per day, so a year is 365 small documents), ordered here by date (an ORDER BY
    /// would need a query plan).
    /// </summary>
    public async Task<IReadOnlyList<MetricsDocument>> ListSeriesAsync(string kind, string since, string until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(since);
        ArgumentException.ThrowIfNullOrEmpty(until);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind AND c.date >= @since AND c.date <= @until")
            .WithParameter("@kind", kind).WithParameter("@since", since).WithParameter("@until", until);
        var documents = await QueryPartitionAsync<MetricsDocument>(MetricsContainer, query, kind, "ListMetricsSeries", cancellationToken);
        documents.Sort(static (a, b) => string.CompareOrdinal(a.Date, b.Date));
        return documents;
    }

    /// <summary>
    /// One Patch per customer (<c>set /predictions</c>, <c>set /lifecycle/status</c> and <c>/lifecycle/since</c>,
    /// each only when given), a bounded number at a time: the patch does not carry the document, so a
    /// concurrent replace by the processor and this write never undo each other (the processor's next
    /// replace carries what it read, or fails on the new ETag and reads again). A customer deleted
    /// meanwhile is skipped.
    /// </summary>
    public async Task PatchPredictionsAsync(IReadOnlyCollection<PredictionUpdate> updates, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(updates);
        foreach (var update in updates)
        {
            ArgumentNullException.ThrowIfNull(update, nameof(updates));
            ThrowIfInvalidId(update.CustomerId, "update.CustomerId");
        }
        await ForEachBoundedAsync(updates, async (update, ct) =>
        {
            var operations = new List<PatchOperation>(3);
            if (update.Predictions is { } predictions) operations.Add(PatchOperation.Set("/predictions", predictions));
            if (update.Lifecycle is { } lifecycle)
            {
                operations.Add(PatchOperation.Set("/lifecycle/status", lifecycle.Status));
                operations.Add(PatchOperation.Set("/lifecycle/since", lifecycle.Since));
            }
            if (operations.Count == 0) return;
            using var response = await SendAsync("Patch", _customers.Id, update.CustomerId,
                c => _customers.PatchItemStreamAsync(update.CustomerId, new PartitionKey(update.CustomerId), operations, new PatchItemRequestOptions { EnableContentResponseOnWrite = false }, c), ct);
            if (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response)) return;
            EnsureSuccess(response, "Patch", _customers.Id, update.CustomerId);
        }, cancellationToken);
    }

    /// <summary>A cross-partition query: optimistic direct execution sends it to the gateway as it is (no query-plan round trip), which serves filters and projections without ORDER BY or aggregates.</summary>
    private async Task<List<T>> QueryAllAsync<T>(Container container, QueryDefinition query, string operation, string key, CancellationToken cancellationToken, Func<JsonElement, T>? read = null)
    {
        var requestOptions = new QueryRequestOptions { MaxItemCount = _options.ScanPageSize, EnableOptimisticDirectExecution = true };
        using var iterator = container.GetItemQueryStreamIterator(query, continuationToken: null, requestOptions);
        var all = new List<T>();
        while (iterator.HasMoreResults)
            all.AddRange(await ReadPageAsync(iterator, operation, container.Id, key, cancellationToken, read));
        return all;
    }
}
