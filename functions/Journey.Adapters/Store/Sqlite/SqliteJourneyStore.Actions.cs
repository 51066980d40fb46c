using Journey.Domain.Actions;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Data.Sqlite;

namespace Journey.Adapters.Store.Sqlite;

/// <summary>
/// The outbox on the SQLite store: the <c>actions</c> table, one row per action: the fields the
/// dispatcher and the reads filter on in columns (times as sortable UTC text, so text order is time
/// order whatever the offset was), the document as JSON, and an ETag that changes on every replace.
/// The dispatcher's read is one range of the partial index of pending actions by due time; the view
/// <c>actions_v</c> serves BI tools.
/// </summary>
public sealed partial class SqliteJourneyStore : IActionStore
{
    private const string InsertActionSql =
        """
        INSERT INTO actions(id, customer_id, action_type, status, created_at, due_at, next_attempt_at, etag, doc)
        VALUES ($id, $customer_id, $action_type, $status, $created_at, $due_at, $next_attempt_at, $etag, $doc)
        ON CONFLICT(id) DO NOTHING
        """;

    private const string ReplaceActionSql =
        """
        UPDATE actions SET customer_id = $customer_id, action_type = $action_type, status = $status, created_at = $created_at,
            due_at = $due_at, next_attempt_at = $next_attempt_at, etag = $etag, doc = $doc
        WHERE id = $id AND etag = $if_match
        """;

    // status = 'pending' literally, so the partial index ix_actions_pending_due serves the read.
    internal const string DueActionsSql =
        """
        SELECT doc, etag FROM actions
        WHERE status = 'pending' AND due_at <= $now AND (next_attempt_at IS NULL OR next_attempt_at <= $now)
        ORDER BY due_at, id LIMIT $limit
        """;

    internal const string CustomerActionsSql = "SELECT doc FROM actions WHERE customer_id = $customer_id ORDER BY created_at, id";

    internal const string ListActionsSql =
        """
        SELECT doc FROM actions
        WHERE ($action_type IS NULL OR action_type = $action_type) AND ($status IS NULL OR status = $status) AND ($since IS NULL OR created_at >= $since)
        ORDER BY created_at DESC, id LIMIT $limit
        """;

    private const string DeleteCustomerActionsSql = "DELETE FROM actions WHERE customer_id = $customer_id";

    private static readonly string[] ActionParameters = ["$id", "$customer_id", "$action_type", "$status", "$created_at", "$due_at", "$next_attempt_at", "$etag", "$doc"];

    private readonly record struct ActionRow(string Id, string CustomerId, string ActionType, string Status, string CreatedAt, string DueAt, string? NextAttemptAt, string ETag, string Doc, ActionDocument Action);

    /// <summary>One queued write, under a savepoint: each action whose id is not stored yet is inserted; returns those inserted.</summary>
    public Task<IReadOnlyList<ActionDocument>> AddAsync(IReadOnlyCollection<ActionDocument> actions, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(actions);
            if (actions.Count == 0) return Task.FromResult<IReadOnlyList<ActionDocument>>([]);
            var writer = EnsureOpen();
            var rows = new List<ActionRow>(actions.Count);
            foreach (var action in actions)
            {
                ArgumentNullException.ThrowIfNull(action, nameof(actions));
                rows.Add(ToRow(action));
            }
            return writer.EnqueueAsync<IReadOnlyList<ActionDocument>>(w => w.InSavepoint(() =>
            {
                var command = w.Statement(InsertActionSql, ActionParameters);
                var added = new List<ActionDocument>();
                foreach (var row in rows)
                {
                    Bind(command.Parameters, row);
                    if (command.ExecuteNonQuery() > 0) added.Add(row.Action);
                }
                return added;
            }), cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed<IReadOnlyList<ActionDocument>>(ex);
        }
    }

    /// <summary>One range of the partial index of pending actions, oldest due first.</summary>
    public Task<IReadOnlyList<Versioned<ActionDocument>>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
            EnsureOpen();
            var rows = Read(reader =>
            {
                var command = reader.Statement(DueActionsSql, "$now", "$limit");
                command.Parameters[0].Value = SortableUtc(now);
                command.Parameters[1].SqliteType = SqliteType.Integer;
                command.Parameters[1].Value = max;
                var list = new List<(byte[] Doc, string ETag)>();
                using var result = command.ExecuteReader();
                while (result.Read()) list.Add((result.GetUtf8(0), result.GetString(1)));
                return list;
            });
            IReadOnlyList<Versioned<ActionDocument>> due = [.. rows.Select(r => new Versioned<ActionDocument>(JourneyJson.Deserialize<ActionDocument>(r.Doc), r.ETag))];
            return Task.FromResult(due);
        }
        catch (Exception ex)
        {
            return Failed<IReadOnlyList<Versioned<ActionDocument>>>(ex);
        }
    }

    /// <summary>One queued conditional update on the ETag; no row updated means another writer changed or deleted it.</summary>
    public Task<string> ReplaceAsync(ActionDocument action, string ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(action);
            ArgumentNullException.ThrowIfNull(ifMatch);
            var writer = EnsureOpen();
            var row = ToRow(action);
            return writer.EnqueueAsync(w =>
            {
                var command = w.Statement(ReplaceActionSql, [.. ActionParameters, "$if_match"]);
                Bind(command.Parameters, row);
                command.Parameters[^1].Value = ifMatch;
                return command.ExecuteNonQuery() > 0
                    ? row.ETag
                    : throw new ConcurrencyConflictException($"Action {row.Id} was changed or deleted since it was read (ETag {ifMatch}).");
            }, cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed<string>(ex);
        }
    }

    /// <summary>The customer's actions by creation time (the <c>customer_id</c> index).</summary>
    public Task<IReadOnlyList<ActionDocument>> ListByCustomerAsync(string customerId, CancellationToken cancellationToken) =>
        ReadList<ActionDocument>(reader => reader.Statement(CustomerActionsSql, "$customer_id"), customerId, cancellationToken);

    /// <summary>Filtered by type, status and creation time, newest first.</summary>
    public Task<IReadOnlyList<ActionDocument>> ListAsync(string? actionType, string? status, DateTimeOffset? since, int max, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
            EnsureOpen();
            var docs = Read(reader =>
            {
                var command = reader.Statement(ListActionsSql, "$action_type", "$status", "$since", "$limit");
                var p = command.Parameters;
                p[0].Value = (object?)actionType ?? DBNull.Value;
                p[1].Value = (object?)status ?? DBNull.Value;
                p[2].Value = since is { } s ? SortableUtc(s) : DBNull.Value;
                p[3].SqliteType = SqliteType.Integer;
                p[3].Value = max;
                var list = new List<byte[]>();
                using var rows = command.ExecuteReader();
                while (rows.Read()) list.Add(rows.GetUtf8(0));
                return list;
            });
            IReadOnlyList<ActionDocument> actions = [.. docs.Select(d => JourneyJson.Deserialize<ActionDocument>(d))];
            return Task.FromResult(actions);
        }
        catch (Exception ex)
        {
            return Failed<IReadOnlyList<ActionDocument>>(ex);
        }
    }

    /// <summary>One queued delete of the customer's rows.</summary>
    public Task DeleteCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(customerId);
            return EnsureOpen().EnqueueAsync(w =>
            {
                var command = w.Statement(DeleteCustomerActionsSql, "$customer_id");
                command.Parameters[0].Value = customerId;
                return command.ExecuteNonQuery();
            }, cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }
    }

    private static ActionRow ToRow(ActionDocument action)
    {
        ArgumentException.ThrowIfNullOrEmpty(action.Id, "action.Id");
        ArgumentException.ThrowIfNullOrEmpty(action.CustomerId, "action.CustomerId");
        ArgumentException.ThrowIfNullOrEmpty(action.ActionType, "action.ActionType");
        ArgumentException.ThrowIfNullOrEmpty(action.Status, "action.Status");
        return new ActionRow(
            action.Id, action.CustomerId, action.ActionType, action.Status,
            SortableUtc(action.CreatedAt), SortableUtc(action.DueAt), action.NextAttemptAt is { } next ? SortableUtc(next) : null,
            NewETag(), JourneyJson.Serialize(action), action);
    }

    private static void Bind(SqliteParameterCollection p, ActionRow row)
    {
        p[0].Value = row.Id;
        p[1].Value = row.CustomerId;
        p[2].Value = row.ActionType;
        p[3].Value = row.Status;
        p[4].Value = row.CreatedAt;
        p[5].Value = row.DueAt;
        p[6].Value = (object?)row.NextAttemptAt ?? DBNull.Value;
        p[7].Value = row.ETag;
        p[8].Value = row.Doc;
    }
}
