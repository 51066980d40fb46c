using System.Runtime.CompilerServices;
using System.Text.Json;
using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Feedback;
using Journey.Domain.Metrics;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Azure.Cosmos;

namespace Journey.Adapters.Store.Cosmos;

/// <summary>
/// Whole-container reads for exports: one cross-partition query per container, read a page
/// (<see cref="CosmosStoreOptions.ScanPageSize"/> documents) at a time, so memory holds one page. Dates
/// (yyyy-MM-dd) are compared in the query; times are compared here, since a stored time keeps the offset
/// it was written with and its text is then not its order.
/// </summary>
public sealed partial class CosmosJourneyStore : IDocumentScans
{
    public IAsyncEnumerable<TransitionDocument> ScanTransitionsAsync(DateTimeOffset? since, CancellationToken cancellationToken) =>
        ScanContainerAsync(_transitions, new QueryDefinition("SELECT * FROM c"), "ScanTransitions",
            static e => e.Deserialize<TransitionDocument>(JourneyJson.Options) ?? throw new JsonException("A null transition."),
            t => since is not { } s || t.At >= s, cancellationToken);

    public IAsyncEnumerable<MetricsDocument> ScanMetricsAsync(string? sinceDate, CancellationToken cancellationToken) =>
        ScanContainerAsync(MetricsContainer, SinceDateQuery("date", sinceDate), "ScanMetrics",
            static e => e.Deserialize<MetricsDocument>(JourneyJson.Options) ?? throw new JsonException("A null metrics document."),
            static _ => true, cancellationToken);

    public IAsyncEnumerable<FeedbackItem> ScanFeedbackAsync(DateTimeOffset? since, CancellationToken cancellationToken) =>
        ScanContainerAsync(FeedbackContainer, new QueryDefinition("SELECT * FROM c"), "ScanFeedback",
            static e => WithoutEmbedding(ReadFeedback(e)), f => since is not { } s || f.Time >= s, cancellationToken);

    public IAsyncEnumerable<PainPointDocument> ScanPainPointsAsync(string? sinceDate, CancellationToken cancellationToken) =>
        ScanContainerAsync(PainPointsContainer, SinceDateQuery("until", sinceDate), "ScanPainPoints",
            static e => e.Deserialize<PainPointDocument>(JourneyJson.Options) ?? throw new JsonException("A null pain-point document."),
            static _ => true, cancellationToken);

    public IAsyncEnumerable<ActionDocument> ScanActionsAsync(DateTimeOffset? since, CancellationToken cancellationToken) =>
        ScanContainerAsync(ActionsContainer, new QueryDefinition("SELECT * FROM c"), "ScanActions", ReadAction,
            a => since is not { } s || a.CreatedAt >= s, cancellationToken);

    private static QueryDefinition SinceDateQuery(string field, string? sinceDate) =>
        sinceDate is null
            ? new QueryDefinition("SELECT * FROM c")
            : new QueryDefinition($"SELECT * FROM c WHERE c.{field} >= @since").WithParameter("@since", sinceDate);

    private static FeedbackItem WithoutEmbedding(FeedbackItem item)
    {
        item.Embedding = null;
        return item;
    }

    private async IAsyncEnumerable<T> ScanContainerAsync<T>(Container container, QueryDefinition query, string operation, Func<JsonElement, T> read, Func<T, bool> keep, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var requestOptions = new QueryRequestOptions { MaxItemCount = _options.ScanPageSize, EnableOptimisticDirectExecution = true };
        using var iterator = container.GetItemQueryStreamIterator(query, continuationToken: null, requestOptions);
        while (iterator.HasMoreResults)
        {
            var page = await ReadPageAsync(iterator, operation, container.Id, "*", cancellationToken, read);
            foreach (var document in page)
                if (keep(document)) yield return document;
        }
    }
}
