using System.Net;
using System.Text.Json;
using Journey.Domain.Actions;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Azure.Cosmos;

namespace Journey.Adapters.Store.Cosmos;

/// <summary>
/// The outbox on Cosmos DB: the <c>actions</c> container, partitioned by <c>/customerId</c> (a
/// customer's actions are read and erased together), one item per action.
/// </summary>
/// <remarks>
/// Times in the document keep their offset, so their text is not their order. Each item therefore
/// also carries two UTC texts, sortable and compared in queries: <c>readyAtUtc</c>, when the action
/// may next be tried (the later of its due time and its next attempt time), and <c>createdAtUtc</c>.
/// The dispatcher's read and the filtered list are cross-partition queries with a plain WHERE (no
/// ORDER BY, which would need a query plan): the matches are ordered and cut here, which is cheap as
/// long as the due backlog and the filtered lists stay in the thousands.
/// </remarks>
public sealed partial class CosmosJourneyStore : IActionStore
{
    private const string ReadyAtField = "readyAtUtc";
    private const string CreatedAtField = "createdAtUtc";

    private Container ActionsContainer => GetContainer(CosmosContainers.Actions);

    /// <summary>One Create per action, a bounded number at a time; a 409 (the id is stored) is not added. Returns the added ones in the given order.</summary>
    public async Task<IReadOnlyList<ActionDocument>> AddAsync(IReadOnlyCollection<ActionDocument> actions, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(actions);
        var indexed = new List<(int Index, ActionDocument Action)>(actions.Count);
        foreach (var action in actions)
        {
            ArgumentNullException.ThrowIfNull(action, nameof(actions));
            ThrowIfInvalidId(action.Id, "action.Id");
            ArgumentException.ThrowIfNullOrEmpty(action.CustomerId, "action.CustomerId");
            indexed.Add((indexed.Count, action));
        }
        var added = new bool[indexed.Count];
        var container = ActionsContainer;
        await ForEachBoundedAsync(indexed, async (item, ct) =>
        {
            using var body = new MemoryStream(SerializeAction(item.Action), writable: false);
            using var response = await SendAsync("Create", container.Id, item.Action.Id,
                c => container.CreateItemStreamAsync(body, new PartitionKey(item.Action.CustomerId), NoContentOnWrite(), c), ct);
            if (response.StatusCode == HttpStatusCode.Conflict) return;
            EnsureSuccess(response, "Create", container.Id, item.Action.Id);
            added[item.Index] = true;
        }, cancellationToken);
        return [.. indexed.Where(i => added[i.Index]).Select(i => i.Action)];
    }

    /// <summary>A cross-partition query of the pending actions ready by <paramref name="now"/>; ordered by due time (then id) and cut here.</summary>
    public async Task<IReadOnlyList<Versioned<ActionDocument>>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var query = new QueryDefinition($"SELECT * FROM c WHERE c.status = @pending AND c.{ReadyAtField} <= @now")
            .WithParameter("@pending", ActionStatuses.Pending)
            .WithParameter("@now", Sortable(now));
        var due = await QueryAllAsync(ActionsContainer, query, "DueActions", "*", cancellationToken,
            static e => new Versioned<ActionDocument>(ReadAction(e), e.GetProperty("_etag").GetString() ?? throw new JsonException("An action without an _etag.")));
        return
        [
            .. due.OrderBy(v => v.Document.DueAt.UtcTicks).ThenBy(v => v.Document.Id, StringComparer.Ordinal).Take(max),
        ];
    }

    /// <summary>A Replace with <c>If-Match</c>; 412 (changed) or 404 (deleted) is a <see cref="ConcurrencyConflictException"/>.</summary>
    public async Task<string> ReplaceAsync(ActionDocument action, string ifMatch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(ifMatch);
        ThrowIfInvalidId(action.Id, "action.Id");
        ArgumentException.ThrowIfNullOrEmpty(action.CustomerId, "action.CustomerId");
        var container = ActionsContainer;
        var options = new ItemRequestOptions { IfMatchEtag = ifMatch, EnableContentResponseOnWrite = false };
        using var body = new MemoryStream(SerializeAction(action), writable: false);
        using var response = await SendAsync("Replace", container.Id, action.Id,
            ct => container.ReplaceItemStreamAsync(body, action.Id, new PartitionKey(action.CustomerId), options, ct), cancellationToken);
        if (response.StatusCode == HttpStatusCode.PreconditionFailed || (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response)))
            throw new ConcurrencyConflictException($"Action {action.Id} was changed or deleted since it was read (ETag {ifMatch}).");
        EnsureSuccess(response, "Replace", container.Id, action.Id);
        return response.Headers.ETag;
    }

    /// <summary>A single-partition query, ordered here by creation time (then id).</summary>
    public async Task<IReadOnlyList<ActionDocument>> ListByCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(customerId);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.customerId = @customerId").WithParameter("@customerId", customerId);
        var actions = await QueryPartitionAsync(ActionsContainer, query, customerId, "ListCustomerActions", cancellationToken, ReadAction);
        return [.. actions.OrderBy(a => a.CreatedAt.UtcTicks).ThenBy(a => a.Id, StringComparer.Ordinal)];
    }

    /// <summary>A cross-partition query with the given filters; ordered here newest first and cut at <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<ActionDocument>> ListAsync(string? actionType, string? status, DateTimeOffset? since, int max, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var filters = new List<string>();
        if (actionType is not null) filters.Add("c.actionType = @actionType");
        if (status is not null) filters.Add("c.status = @status");
        if (since is not null) filters.Add($"c.{CreatedAtField} >= @since");
        var text = filters.Count == 0 ? "SELECT * FROM c" : "SELECT * FROM c WHERE " + string.Join(" AND ", filters);
        var query = new QueryDefinition(text);
        if (actionType is not null) query = query.WithParameter("@actionType", actionType);
        if (status is not null) query = query.WithParameter("@status", status);
        if (since is { } s) query = query.WithParameter("@since", Sortable(s));
        var actions = await QueryAllAsync(ActionsContainer, query, "ListActions", "*", cancellationToken, ReadAction);
        return [.. actions.OrderByDescending(a => a.CreatedAt.UtcTicks).ThenBy(a => a.Id, StringComparer.Ordinal).Take(max)];
    }

    /// <summary>The ids from a single-partition query, then one delete each (one already gone is skipped).</summary>
    public async Task DeleteCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(customerId);
        var container = ActionsContainer;
        var query = new QueryDefinition("SELECT c.id FROM c WHERE c.customerId = @customerId").WithParameter("@customerId", customerId);
        var ids = await QueryPartitionAsync(container, query, customerId, "ListCustomerActionIds", cancellationToken, static e => e.GetProperty("id").GetString()!);
        await ForEachBoundedAsync(ids, async (id, ct) =>
        {
            using var response = await SendAsync("Delete", container.Id, id,
                c => container.DeleteItemStreamAsync(id, new PartitionKey(customerId), cancellationToken: c), ct);
            if (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response)) return;
            EnsureSuccess(response, "Delete", container.Id, id);
        }, cancellationToken);
    }

    /// <summary>The document as JSON with the two sortable UTC texts the queries compare.</summary>
    private static byte[] SerializeAction(ActionDocument action)
    {
        var node = JsonSerializer.SerializeToNode(action, JourneyJson.Options)!.AsObject();
        var ready = action.NextAttemptAt is { } next && next > action.DueAt ? next : action.DueAt;
        node[ReadyAtField] = Sortable(ready);
        node[CreatedAtField] = Sortable(action.CreatedAt);
        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString(JourneyJson.Options));
    }

    private static ActionDocument ReadAction(JsonElement element) =>
        element.Deserialize<ActionDocument>(JourneyJson.Options) ?? throw new JsonException("A null action document.");

    /// <summary>UTC with full precision: text order is time order.</summary>
    private static string Sortable(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
