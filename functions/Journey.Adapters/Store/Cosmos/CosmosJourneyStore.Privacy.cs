using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Journey.Domain.Customers;
using Journey.Domain.Feedback;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Privacy;
using Journey.Domain.Serialization;
using Microsoft.Azure.Cosmos;

namespace Journey.Adapters.Store.Cosmos;

/// <summary>
/// Erasure, export and the suppression list on Cosmos DB. A person's feedback (partitioned by month), dead
/// letters (by day) and pain points (by period) are found with cross-partition queries on the customer id,
/// the raw payload and the quotes: an erasure is rare, and these containers are small next to the customers.
/// The <c>suppressions</c> container (partition key <c>/id</c>) holds one item per keyed hash (the id is the
/// hash) and the installation's key as the item <c>installation-key</c>.
/// </summary>
public sealed partial class CosmosJourneyStore : IPersonalDataStore, ISuppressionStore
{
    private const string KeyItemId = "installation-key";
    private const string SuppressionType = "suppression";

    private Container SuppressionsContainer => GetContainer(CosmosContainers.Suppressions);

    // ---- personal data ----

    /// <summary>One cross-partition query per customer id; ordered here by time, then id.</summary>
    public async Task<IReadOnlyList<FeedbackItem>> ListFeedbackByCustomersAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken)
    {
        var items = await QueryEachAsync(FeedbackContainer, "SELECT * FROM c WHERE c.customerId = @value", customerIds, "ListCustomerFeedback", ReadFeedback, cancellationToken);
        return
        [
            .. items.DistinctBy(i => i.Id, StringComparer.Ordinal).OrderBy(i => i.Time.UtcTicks).ThenBy(i => i.Id, StringComparer.Ordinal),
        ];
    }

    /// <summary>One point delete each in its month's partition; one already gone is not counted.</summary>
    public Task<int> DeleteFeedbackAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        return DeleteEachAsync(FeedbackContainer, [.. items.Select(i => (i.Id, i.Period))], cancellationToken);
    }

    /// <summary>One cross-partition query per needle on the customer id and the (unindexed) raw payload, in any case (an email).</summary>
    public async Task<IReadOnlyList<DeadLetterDocument>> FindDeadLettersAsync(IReadOnlyCollection<string> needles, CancellationToken cancellationToken)
    {
        var letters = await QueryEachAsync(_deadLetters, "SELECT * FROM c WHERE c.customerId = @value OR CONTAINS(LOWER(c.rawPayload), LOWER(@value))", needles, "FindDeadLetters",
            static e => e.Deserialize<DeadLetterDocument>(JourneyJson.Options) ?? throw new JsonException("A null dead letter."), cancellationToken);
        return [.. letters.DistinctBy(l => (l.Day, l.Id))];
    }

    /// <summary>One point delete each in its day's partition; one already gone is not counted.</summary>
    public Task<int> DeleteDeadLettersAsync(IReadOnlyCollection<DeadLetterDocument> letters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letters);
        return DeleteEachAsync(_deadLetters, [.. letters.Select(l => (l.Id, l.Day))], cancellationToken);
    }

    /// <summary>One cross-partition query per text (<c>ARRAY_CONTAINS</c> on the quotes).</summary>
    public async Task<IReadOnlyList<PainPointDocument>> FindPainPointsQuotingAsync(IReadOnlyCollection<string> texts, CancellationToken cancellationToken)
    {
        var documents = await QueryEachAsync(PainPointsContainer, "SELECT * FROM c WHERE ARRAY_CONTAINS(c.quotes, @value)", texts, "FindPainPointQuotes",
            static e => e.Deserialize<PainPointDocument>(JourneyJson.Options) ?? throw new JsonException("A null pain-point document."), cancellationToken);
        return [.. documents.DistinctBy(d => d.Id, StringComparer.Ordinal)];
    }

    /// <summary>The query <paramref name="sql"/> (parameter <c>@value</c>) across partitions once per distinct value, the results together.</summary>
    private async Task<List<T>> QueryEachAsync<T>(Container container, string sql, IReadOnlyCollection<string> values, string operation, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(values);
        var results = new List<T>();
        foreach (var value in values.Distinct(StringComparer.Ordinal))
            results.AddRange(await QueryAllAsync(container, new QueryDefinition(sql).WithParameter("@value", value), operation, "*", cancellationToken, read));
        return results;
    }

    /// <summary>An Upsert in the document's period.</summary>
    public async Task ReplacePainPointAsync(PainPointDocument document, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(document);
        ThrowIfInvalidId(document.Id, "document.Id");
        var container = PainPointsContainer;
        using var body = new MemoryStream(JourneyJson.SerializeToUtf8(document), writable: false);
        using var response = await SendAsync("Upsert", container.Id, document.Id,
            c => container.UpsertItemStreamAsync(body, new PartitionKey(document.Period), NoContentOnWrite(), c), cancellationToken);
        EnsureSuccess(response, "Upsert", container.Id, document.Id);
    }

    private async Task<int> DeleteEachAsync(Container container, IReadOnlyCollection<(string Id, string PartitionKey)> keys, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var deleted = 0;
        await ForEachBoundedAsync(keys, async (key, ct) =>
        {
            using var response = await SendAsync("Delete", container.Id, key.Id,
                c => container.DeleteItemStreamAsync(key.Id, new PartitionKey(key.PartitionKey), cancellationToken: c), ct);
            if (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response)) return;
            EnsureSuccess(response, "Delete", container.Id, key.Id);
            Interlocked.Increment(ref deleted);
        }, cancellationToken);
        return deleted;
    }

    // ---- suppression list ----

    /// <summary>A Create of the key item (409: another instance stored one first), then a point read of it.</summary>
    public async Task<byte[]> GetOrAddKeyAsync(byte[] candidate, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.Length == 0) throw new ArgumentException("The key is empty.", nameof(candidate));
        var container = SuppressionsContainer;
        var item = new JsonObject { ["id"] = KeyItemId, ["type"] = "key", ["key"] = Convert.ToBase64String(candidate) };
        using (var body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(item.ToJsonString()), writable: false))
        using (var created = await SendAsync("Create", container.Id, KeyItemId,
            c => container.CreateItemStreamAsync(body, new PartitionKey(KeyItemId), NoContentOnWrite(), c), cancellationToken))
        {
            if (created.StatusCode != HttpStatusCode.Conflict)
            {
                EnsureSuccess(created, "Create", container.Id, KeyItemId);
                return candidate;
            }
        }
        using var read = await SendAsync("Read", container.Id, KeyItemId,
            c => container.ReadItemStreamAsync(KeyItemId, new PartitionKey(KeyItemId), cancellationToken: c), cancellationToken);
        EnsureSuccess(read, "Read", container.Id, KeyItemId);
        using var json = await JsonDocument.ParseAsync(read.Content, default, cancellationToken);
        return Convert.FromBase64String(json.RootElement.GetProperty("key").GetString() ?? throw new JsonException("The suppression key item has no key."));
    }

    /// <summary>One Create per entry, a bounded number at a time; a 409 (the hash is stored) is left as it is.</summary>
    public async Task AddAsync(IReadOnlyCollection<SuppressionEntry> entries, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(entries);
        var container = SuppressionsContainer;
        await ForEachBoundedAsync(entries, async (entry, ct) =>
        {
            ThrowIfInvalidId(entry.Hash, "entry.Hash");
            var item = new JsonObject { ["id"] = entry.Hash, ["type"] = SuppressionType, ["kind"] = entry.Kind, ["at"] = entry.At };
            using var body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(item.ToJsonString(JourneyJson.Options)), writable: false);
            using var response = await SendAsync("Create", container.Id, entry.Hash,
                c => container.CreateItemStreamAsync(body, new PartitionKey(entry.Hash), NoContentOnWrite(), c), ct);
            if (response.StatusCode == HttpStatusCode.Conflict) return;
            EnsureSuccess(response, "Create", container.Id, entry.Hash);
        }, cancellationToken);
    }

    /// <summary>A cross-partition query of the entries (the key item left out).</summary>
    public async Task<IReadOnlyList<SuppressionEntry>> ListAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var query = new QueryDefinition("SELECT c.id, c.kind, c.at FROM c WHERE c.type = @type").WithParameter("@type", SuppressionType);
        return await QueryAllAsync(SuppressionsContainer, query, "ListSuppressions", "*", cancellationToken,
            static e => new SuppressionEntry(e.GetProperty("id").GetString()!, e.GetProperty("kind").GetString()!, e.GetProperty("at").GetDateTimeOffset()));
    }
}
