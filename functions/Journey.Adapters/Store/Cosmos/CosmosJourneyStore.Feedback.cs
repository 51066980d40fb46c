using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Journey.Domain.Feedback;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Azure.Cosmos;

namespace Journey.Adapters.Store.Cosmos;

/// <summary>
/// The summarizer's side of the Cosmos store: the <c>feedback</c> container (partition key
/// <c>/period</c>, the UTC month of the text; id <c>{messageId}:{field}</c>) and the <c>painpoints</c>
/// container (partition key <c>/period</c>, <c>{since}..{until}</c>).
/// </summary>
/// <remarks>
/// A feedback item's embedding is stored on the item as <c>{"model": …, "vector": "…"}</c>, the vector
/// as base64 of its float32 little-endian bytes: 4 bytes a dimension (2 KB for 384 dimensions as 2.7 KB
/// of base64, where a JSON array of numbers takes about 4 KB) and exact, since no float goes through
/// decimal text. It is set with a Patch (<c>set /embedding</c>): the item is not read or rewritten.
/// </remarks>
public sealed partial class CosmosJourneyStore : IFeedbackStore, IPainPointStore
{
    /// <summary>A period range longer than this is read with one cross-partition query rather than one query per month.</summary>
    private const int MaxMonthsByPartition = 36;

    private Container FeedbackContainer => GetContainer(CosmosContainers.Feedback);

    private Container PainPointsContainer => GetContainer(CosmosContainers.PainPoints);

    // ---- feedback ----

    /// <summary>One Create per item in its month's partition, a bounded number at a time; a 409 (the id is stored) is left as it is.</summary>
    public async Task AddAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            ThrowIfInvalidId(item.Id, "item.Id");
            ArgumentException.ThrowIfNullOrEmpty(item.Period, "item.Period");
        }
        var container = FeedbackContainer;
        await ForEachBoundedAsync(items, async (item, ct) =>
        {
            using var body = new MemoryStream(SerializeFeedback(item), writable: false);
            using var response = await SendAsync("Create", container.Id, item.Id,
                c => container.CreateItemStreamAsync(body, new PartitionKey(item.Period), NoContentOnWrite(), c), ct);
            if (response.StatusCode == HttpStatusCode.Conflict) return;
            EnsureSuccess(response, "Create", container.Id, item.Id);
        }, cancellationToken);
    }

    /// <summary>
    /// One single-partition query per month from <paramref name="since"/> to <paramref name="until"/>, in
    /// order; the times are compared and ordered here (a stored time keeps its offset, so its text is not
    /// its order). A range of more than <see cref="MaxMonthsByPartition"/> months is one cross-partition query.
    /// </summary>
    public async IAsyncEnumerable<FeedbackItem> ListAsync(DateTimeOffset since, DateTimeOffset until, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (until <= since) yield break;
        var container = FeedbackContainer;
        var months = Months(since, until);
        if (months is null)
        {
            var query = new QueryDefinition("SELECT * FROM c WHERE c.period >= @first AND c.period <= @last")
                .WithParameter("@first", FeedbackItem.PeriodOf(since))
                .WithParameter("@last", FeedbackItem.PeriodOf(until.AddTicks(-1)));
            var all = await QueryAllAsync(container, query, "ListFeedback", "*", cancellationToken, ReadFeedback);
            foreach (var item in InRange(all, since, until)) yield return item;
            yield break;
        }
        foreach (var period in months)
        {
            var query = new QueryDefinition("SELECT * FROM c WHERE c.period = @period").WithParameter("@period", period);
            var page = await QueryPartitionAsync(container, query, period, "ListFeedback", cancellationToken, ReadFeedback);
            foreach (var item in InRange(page, since, until)) yield return item;
        }
    }

    /// <summary>One Patch (<c>set /embedding</c>) per item with an embedding, a bounded number at a time; an item no longer stored is skipped.</summary>
    public async Task SetEmbeddingsAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(items);
        var withEmbedding = new List<FeedbackItem>(items.Count);
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            if (item.Embedding is null) continue;
            ThrowIfInvalidId(item.Id, "item.Id");
            ArgumentException.ThrowIfNullOrEmpty(item.Period, "item.Period");
            withEmbedding.Add(item);
        }
        var container = FeedbackContainer;
        await ForEachBoundedAsync(withEmbedding, async (item, ct) =>
        {
            var operations = new[] { PatchOperation.Set("/embedding", StoredEmbedding(item.Embedding!)) };
            using var response = await SendAsync("Patch", container.Id, item.Id,
                c => container.PatchItemStreamAsync(item.Id, new PartitionKey(item.Period), operations, new PatchItemRequestOptions { EnableContentResponseOnWrite = false }, c), ct);
            if (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response)) return;
            EnsureSuccess(response, "Patch", container.Id, item.Id);
        }, cancellationToken);
    }

    /// <summary>The months (yyyy-MM) of [since, until), or null when they are more than <see cref="MaxMonthsByPartition"/>.</summary>
    private static List<string>? Months(DateTimeOffset since, DateTimeOffset until)
    {
        var first = since.UtcDateTime;
        var last = until.AddTicks(-1).UtcDateTime;
        var count = (last.Year - first.Year) * 12 + last.Month - first.Month + 1;
        if (count > MaxMonthsByPartition) return null;
        var months = new List<string>(count);
        var month = new DateTime(first.Year, first.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < count; i++) months.Add(month.AddMonths(i).ToString("yyyy-MM", CultureInfo.InvariantCulture));
        return months;
    }

    private static List<FeedbackItem> InRange(List<FeedbackItem> items, DateTimeOffset since, DateTimeOffset until)
    {
        items.RemoveAll(i => i.Time < since || i.Time >= until);
        items.Sort(static (a, b) =>
        {
            var byTime = a.Time.UtcTicks.CompareTo(b.Time.UtcTicks);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
        });
        return items;
    }

    /// <summary>The item as stored: Journey's JSON, the embedding's vector as base64.</summary>
    internal static byte[] SerializeFeedback(FeedbackItem item)
    {
        var node = JsonSerializer.SerializeToNode(item, JourneyJson.Options)!.AsObject();
        node.Remove("embedding");
        if (item.Embedding is { } embedding)
            node["embedding"] = new JsonObject { ["model"] = embedding.Model, ["vector"] = Convert.ToBase64String(ToBytes(embedding.Vector)) };
        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString(JourneyJson.Options));
    }

    /// <summary>An item as stored (see <see cref="SerializeFeedback"/>).</summary>
    internal static FeedbackItem ReadFeedback(JsonElement element)
    {
        var node = JsonObject.Create(element) ?? throw new JsonException("A feedback item is not an object.");
        FeedbackEmbedding? embedding = null;
        if (node["embedding"] is JsonObject stored)
        {
            var model = stored["model"]?.GetValue<string>();
            var vector = stored["vector"]?.GetValue<string>();
            if (model is not null && vector is not null) embedding = new FeedbackEmbedding(model, ToVector(Convert.FromBase64String(vector)));
        }
        node.Remove("embedding");
        var item = node.Deserialize<FeedbackItem>(JourneyJson.Options) ?? throw new JsonException("A null feedback item.");
        item.Embedding = embedding;
        return item;
    }

    private static Dictionary<string, string> StoredEmbedding(FeedbackEmbedding embedding) => new(StringComparer.Ordinal)
    {
        ["model"] = embedding.Model,
        ["vector"] = Convert.ToBase64String(ToBytes(embedding.Vector)),
    };

    private static byte[] ToBytes(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        return bytes;
    }

    private static float[] ToVector(byte[] bytes)
    {
        if (bytes.Length % sizeof(float) != 0) throw new JsonException($"An embedding of {bytes.Length} bytes is not float32 values.");
        var vector = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < vector.Length; i++) vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        return vector;
    }

    // ---- pain points ----

    /// <summary>
    /// Upserts the new documents in the period's partition, then deletes the period's others (their ids from
    /// a single-partition query). A reader in between may see old and new documents together; a run that
    /// fails in between is completed by the next run for the period.
    /// </summary>
    public async Task ReplacePeriodAsync(string period, IReadOnlyCollection<PainPointDocument> documents, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentException.ThrowIfNullOrEmpty(period);
        ArgumentNullException.ThrowIfNull(documents);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            ArgumentNullException.ThrowIfNull(document, nameof(documents));
            ThrowIfInvalidId(document.Id, "document.Id");
            if (document.Period != period) throw new ArgumentException($"Document {document.Id} is of period {document.Period}, not {period}.", nameof(documents));
            ids.Add(document.Id);
        }
        var container = PainPointsContainer;
        await ForEachBoundedAsync(documents, async (document, ct) =>
        {
            using var body = new MemoryStream(JourneyJson.SerializeToUtf8(document), writable: false);
            using var response = await SendAsync("Upsert", container.Id, document.Id,
                c => container.UpsertItemStreamAsync(body, new PartitionKey(period), NoContentOnWrite(), c), ct);
            EnsureSuccess(response, "Upsert", container.Id, document.Id);
        }, cancellationToken);

        var query = new QueryDefinition("SELECT c.id FROM c WHERE c.period = @period").WithParameter("@period", period);
        var stored = await QueryPartitionAsync(container, query, period, "ListPainPointIds", cancellationToken, static e => e.GetProperty("id").GetString()!);
        var stale = stored.Where(id => !ids.Contains(id)).ToList();
        await ForEachBoundedAsync(stale, async (id, ct) =>
        {
            using var response = await SendAsync("Delete", container.Id, id,
                c => container.DeleteItemStreamAsync(id, new PartitionKey(period), cancellationToken: c), ct);
            if (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response)) return;
            EnsureSuccess(response, "Delete", container.Id, id);
        }, cancellationToken);
    }

    Task<IReadOnlyList<PainPointDocument>> IPainPointStore.ListAsync(string period, CancellationToken cancellationToken) =>
        ListPainPointsAsync(period, cancellationToken);

    /// <summary>The period's documents (a single-partition query), ordered by rank, then id (<see cref="IPainPointStore.ListAsync"/>).</summary>
    public async Task<IReadOnlyList<PainPointDocument>> ListPainPointsAsync(string period, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentException.ThrowIfNullOrEmpty(period);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.period = @period").WithParameter("@period", period);
        var documents = await QueryPartitionAsync<PainPointDocument>(PainPointsContainer, query, period, "ListPainPoints", cancellationToken);
        documents.Sort(static (a, b) =>
        {
            var byRank = a.Rank.CompareTo(b.Rank);
            return byRank != 0 ? byRank : string.CompareOrdinal(a.Id, b.Id);
        });
        return documents;
    }

    /// <summary>
    /// The period and generation time of every document (a cross-partition projection of two small fields:
    /// a few dozen documents a run), the newest taken here (by instant: the stored text keeps its offset),
    /// then that period's documents.
    /// </summary>
    public async Task<IReadOnlyList<PainPointDocument>> LatestAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var query = new QueryDefinition("SELECT c.period, c.generatedAt FROM c");
        var generated = await QueryAllAsync(PainPointsContainer, query, "LatestPainPoints", "*", cancellationToken,
            static e => (Period: e.GetProperty("period").GetString()!, At: e.GetProperty("generatedAt").GetDateTimeOffset()));
        if (generated.Count == 0) return [];
        var latest = generated
            .OrderByDescending(g => g.At.UtcTicks)
            .ThenByDescending(g => g.Period, StringComparer.Ordinal)
            .First();
        return await ListPainPointsAsync(latest.Period, cancellationToken);
    }
}
