using System.Threading.Channels;
using Journey.Domain.Ports;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Store.Sqlite;

/// <summary>
/// The one connection that writes to <c>journey.db</c>, driven by one thread.
/// </summary>
/// <remarks>
/// SQLite allows one writer at a time, so several writing connections would only queue on the
/// file lock (and time out as BUSY under load). Instead every write is queued here and this
/// thread applies them in order with group commit: all writes waiting when a transaction starts
/// (up to <see cref="SqliteStoreOptions.MaxWritesPerCommit"/>) go into one transaction, so under
/// concurrency one disk sync (<c>synchronous=FULL</c>) covers many writes, while a lone write is
/// committed at once, without waiting for company. A write fails alone (conflict, constraint);
/// its group's other writes still commit. A caller's task completes only after the COMMIT is
/// durable. Statements are prepared once on this connection.
/// </remarks>
internal sealed class SqliteWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string _databasePath;
    private readonly ILogger _logger;
    private readonly int _maxPerCommit;
    private readonly Channel<WriteOperation> _queue = Channel.CreateUnbounded<WriteOperation>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly Thread _thread;

    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _savepoint;
    private readonly SqliteCommand _release;
    private readonly SqliteCommand _rollbackToSavepoint;
    private readonly SqliteCommand _insertCustomer;
    private readonly SqliteCommand _replaceCustomer;
    private readonly SqliteCommand _deleteCustomer;
    private readonly SqliteCommand _upsertTransition;
    private readonly SqliteCommand _deleteTransitions;
    private readonly SqliteCommand _deleteTransition;
    private readonly SqliteCommand _upsertDeadLetter;
    private readonly SqliteCommand _patchPredictions;
    private readonly SqliteCommand _deletePredictions;
    private readonly SqliteCommand _upsertMetrics;
    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);

    private SqliteWriter(SqliteConnection connection, string databasePath, int maxPerCommit, ILogger logger)
    {
        _connection = connection;
        _databasePath = databasePath;
        _maxPerCommit = maxPerCommit;
        _logger = logger;

        _begin = SqliteConnections.Prepare(connection, "BEGIN IMMEDIATE");
        _commit = SqliteConnections.Prepare(connection, "COMMIT");
        _rollback = SqliteConnections.Prepare(connection, "ROLLBACK");
        _savepoint = SqliteConnections.Prepare(connection, "SAVEPOINT write");
        _release = SqliteConnections.Prepare(connection, "RELEASE write");
        _rollbackToSavepoint = SqliteConnections.Prepare(connection, "ROLLBACK TO write");
        _insertCustomer = SqliteConnections.Prepare(connection,
            "INSERT INTO customers(id, etag, doc, updated_at, journey) VALUES ($id, $etag, $doc, $updated_at, $journey) ON CONFLICT(id) DO NOTHING",
            "$id", "$etag", "$doc", "$updated_at", "$journey");
        _replaceCustomer = SqliteConnections.Prepare(connection,
            "UPDATE customers SET etag = $etag, doc = $doc, updated_at = $updated_at, journey = $journey WHERE id = $id AND etag = $if_match",
            "$id", "$etag", "$doc", "$updated_at", "$if_match", "$journey");
        _deleteCustomer = SqliteConnections.Prepare(connection, "DELETE FROM customers WHERE id = $id", "$id");
        _deletePredictions = SqliteConnections.Prepare(connection, "DELETE FROM customer_predictions WHERE id = $id", "$id");
        _upsertTransition = SqliteConnections.Prepare(connection,
            """
            INSERT INTO transitions(id, customer_id, at, doc) VALUES ($id, $customer_id, $at, $doc)
            ON CONFLICT(id) DO UPDATE SET customer_id = excluded.customer_id, at = excluded.at, doc = excluded.doc
            """,
            "$id", "$customer_id", "$at", "$doc");
        _deleteTransitions = SqliteConnections.Prepare(connection, "DELETE FROM transitions WHERE customer_id = $customer_id", "$customer_id");
        _deleteTransition = SqliteConnections.Prepare(connection, "DELETE FROM transitions WHERE id = $id AND customer_id = $customer_id", "$id", "$customer_id");
        _upsertDeadLetter = SqliteConnections.Prepare(connection,
            "INSERT INTO deadletter(id, day, doc) VALUES ($id, $day, $doc) ON CONFLICT(id) DO UPDATE SET day = excluded.day, doc = excluded.doc",
            "$id", "$day", "$doc");

        _patchPredictions = SqliteConnections.Prepare(connection, """
            INSERT INTO customer_predictions(id, predictions, lifecycle) SELECT $id, $predictions, $lifecycle WHERE EXISTS (SELECT 1 FROM customers WHERE id = $id)
            ON CONFLICT(id) DO UPDATE SET predictions = coalesce(excluded.predictions, predictions), lifecycle = coalesce(excluded.lifecycle, lifecycle)
            """, "$id", "$predictions", "$lifecycle");
        _upsertMetrics = SqliteConnections.Prepare(connection,
            "INSERT INTO metrics(id, kind, date, doc) VALUES ($id, $kind, $date, $doc) ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, date = excluded.date, doc = excluded.doc",
            "$id", "$kind", "$date", "$doc");

        _thread = new Thread(Run) { IsBackground = true, Name = "journey-sqlite-writer" };
    }

    /// <summary>The schema version the database had before this process migrated it.</summary>
    public int FoundSchemaVersion { get; private set; }

    /// <summary>False once the writer thread has stopped (after <see cref="Dispose"/>).</summary>
    public bool IsRunning => _thread.IsAlive;

    /// <summary>Opens the database (creating it), sets WAL mode and durability, migrates the schema and starts the writer thread.</summary>
    public static SqliteWriter Open(SqliteStoreOptions options, string databasePath, ILogger logger)
    {
        var connection = SqliteConnections.Open(databasePath, readOnly: false, options.BusyTimeout);
        try
        {
            var mode = Convert.ToString(SqliteConnections.Scalar(connection, "PRAGMA journal_mode = WAL"), System.Globalization.CultureInfo.InvariantCulture);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"The SQLite store '{databasePath}' could not be switched to WAL mode (journal_mode is '{mode}').");
            SqliteConnections.Execute(connection, $"PRAGMA synchronous = {options.Synchronous.ToString().ToUpperInvariant()}");
            // Keep the WAL file from staying large after a burst of writes has been checkpointed.
            SqliteConnections.Execute(connection, "PRAGMA journal_size_limit = 67108864");
            var found = SqliteSchema.Migrate(connection, databasePath);
            var writer = new SqliteWriter(connection, databasePath, options.MaxWritesPerCommit, logger) { FoundSchemaVersion = found };
            writer._thread.Start();
            return writer;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Queues a write; the task completes once its transaction has committed (or the write failed).</summary>
    public Task<T> EnqueueAsync<T>(Func<SqliteWriter, T> execute, CancellationToken cancellationToken)
    {
        var operation = new WriteOperation<T>(execute, cancellationToken);
        return _queue.Writer.TryWrite(operation)
            ? operation.Task
            : Task.FromException<T>(new ObjectDisposedException(nameof(SqliteJourneyStore), $"The SQLite store '{_databasePath}' is closed."));
    }

    // ---- statements, called on the writer thread inside a transaction ----

    public bool InsertCustomer(string id, string etag, string doc, string journey, string updatedAt)
    {
        var p = _insertCustomer.Parameters;
        p[0].Value = id;
        p[1].Value = etag;
        p[2].Value = doc;
        p[3].Value = updatedAt;
        p[4].Value = journey;
        return _insertCustomer.ExecuteNonQuery() == 1;
    }

    public bool ReplaceCustomer(string id, string etag, string doc, string journey, string updatedAt, string ifMatch)
    {
        var p = _replaceCustomer.Parameters;
        p[0].Value = id;
        p[1].Value = etag;
        p[2].Value = doc;
        p[3].Value = updatedAt;
        p[4].Value = ifMatch;
        p[5].Value = journey;
        return _replaceCustomer.ExecuteNonQuery() == 1;
    }

    public bool DeleteCustomer(string id)
    {
        _deletePredictions.Parameters[0].Value = id;
        _deletePredictions.ExecuteNonQuery();
        _deleteCustomer.Parameters[0].Value = id;
        return _deleteCustomer.ExecuteNonQuery() > 0;
    }

    public int DeleteTransitions(string customerId)
    {
        _deleteTransitions.Parameters[0].Value = customerId;
        return _deleteTransitions.ExecuteNonQuery();
    }

    /// <summary>Deletes these transitions of the customer; returns how many existed.</summary>
    public int DeleteTransitions(string customerId, IReadOnlyCollection<string> ids)
    {
        var p = _deleteTransition.Parameters;
        var deleted = 0;
        foreach (var id in ids)
        {
            p[0].Value = id;
            p[1].Value = customerId;
            deleted += _deleteTransition.ExecuteNonQuery();
        }
        return deleted;
    }

    public void UpsertDeadLetter(string id, string day, string doc)
    {
        var p = _upsertDeadLetter.Parameters;
        p[0].Value = id;
        p[1].Value = day;
        p[2].Value = doc;
        _upsertDeadLetter.ExecuteNonQuery();
    }

    /// <summary>Sets the predictions and lifecycle status (each when given) of the customers that exist; returns how many did.</summary>
    public int PatchPredictions(IReadOnlyList<(string Id, string? Predictions, string? Lifecycle)> rows)
    {
        var p = _patchPredictions.Parameters;
        var patched = 0;
        foreach (var (id, predictions, lifecycle) in rows)
        {
            p[0].Value = id;
            p[1].Value = (object?)predictions ?? DBNull.Value;
            p[2].Value = (object?)lifecycle ?? DBNull.Value;
            patched += _patchPredictions.ExecuteNonQuery();
        }
        return patched;
    }

    public void UpsertMetrics(string id, string kind, string date, string doc)
    {
        var p = _upsertMetrics.Parameters;
        p[0].Value = id;
        p[1].Value = kind;
        p[2].Value = date;
        p[3].Value = doc;
        _upsertMetrics.ExecuteNonQuery();
    }

    /// <summary>All rows or none: the rows go in under a savepoint, so a failure leaves the rest of the group's transaction intact.</summary>
    public void UpsertTransitions(IReadOnlyList<TransitionRow> rows)
    {
        if (rows.Count == 1)
        {
            UpsertTransition(rows[0]);
            return;
        }
        _savepoint.ExecuteNonQuery();
        try
        {
            foreach (var row in rows) UpsertTransition(row);
            _release.ExecuteNonQuery();
        }
        catch
        {
            if (!_connection.IsAutocommit())
            {
                _rollbackToSavepoint.ExecuteNonQuery();
                _release.ExecuteNonQuery();
            }
            throw;
        }
    }

    /// <summary>A statement prepared on the writer connection on first use and kept (for the writes of the store's other files: feedback, pain points); its parameters are set by position.</summary>
    public SqliteCommand Statement(string sql, params string[] parameterNames)
    {
        if (!_statements.TryGetValue(sql, out var command))
        {
            command = SqliteConnections.Prepare(_connection, sql, parameterNames);
            _statements[sql] = command;
        }
        return command;
    }

    /// <summary>Runs <paramref name="body"/> under a savepoint: all its statements or none, the rest of the group's transaction intact.</summary>
    public T InSavepoint<T>(Func<T> body)
    {
        _savepoint.ExecuteNonQuery();
        try
        {
            var result = body();
            _release.ExecuteNonQuery();
            return result;
        }
        catch
        {
            if (!_connection.IsAutocommit())
            {
                _rollbackToSavepoint.ExecuteNonQuery();
                _release.ExecuteNonQuery();
            }
            throw;
        }
    }

    public string? ReadPragma(string name)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new ArgumentException($"'{name}' is not a pragma name.", nameof(name));
        return Convert.ToString(SqliteConnections.Scalar(_connection, "PRAGMA " + name), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void UpsertTransition(TransitionRow row)
    {
        var p = _upsertTransition.Parameters;
        p[0].Value = row.Id;
        p[1].Value = row.CustomerId;
        p[2].Value = row.At;
        p[3].Value = row.Doc;
        _upsertTransition.ExecuteNonQuery();
    }

    // ---- the writer thread ----

    private void Run()
    {
        var group = new List<WriteOperation>(_maxPerCommit);
        var applied = new List<WriteOperation>(_maxPerCommit);
        var reader = _queue.Reader;
        while (true)
        {
            if (!reader.TryRead(out var first))
            {
                // Blocking is right here: this is a dedicated thread, not a pool thread.
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) return;
                continue;
            }
            group.Add(first);
            while (group.Count < _maxPerCommit && reader.TryRead(out var next)) group.Add(next);
            try
            {
                RunGroup(group, applied);
            }
            catch (Exception ex)
            {
                // RunGroup reports failures to the callers; this only guards the thread itself.
                _logger.WriterFailed(ex, _databasePath);
                foreach (var operation in group) operation.Fail(ex);
            }
            group.Clear();
            applied.Clear();
        }
    }

    private void RunGroup(List<WriteOperation> group, List<WriteOperation> applied)
    {
        var live = 0;
        foreach (var operation in group)
        {
            if (operation.CancellationToken.IsCancellationRequested) operation.Cancel();
            else live++;
        }
        if (live == 0) return;

        try
        {
            _begin.ExecuteNonQuery();
        }
        catch (Exception ex)
        {
            FailAll(group, ex);
            return;
        }

        foreach (var operation in group)
        {
            if (operation.IsCompleted) continue;
            try
            {
                operation.Execute(this);
                applied.Add(operation);
            }
            catch (Exception ex) when (ex is ConcurrencyConflictException
                || (ex is not SqliteException se || !SqliteErrors.IsTransient(se)) && !_connection.IsAutocommit())
            {
                // Nothing of this write remains (SQLite undid the failed statement, multi-row writes
                // their savepoint); the transaction and the group's other writes go on.
                operation.Fail(Reported(ex));
            }
            catch (Exception ex)
            {
                RollBack();
                FailAll(group, ex);
                return;
            }
        }

        if (applied.Count == 0)
        {
            RollBack();
            return;
        }

        try
        {
            _commit.ExecuteNonQuery();
        }
        catch (Exception ex)
        {
            RollBack();
            FailAll(applied, ex);
            return;
        }
        foreach (var operation in applied) operation.Complete();
    }

    private void RollBack()
    {
        if (_connection.IsAutocommit()) return;
        try
        {
            _rollback.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            _logger.RollbackFailed(ex, _databasePath);
        }
    }

    private void FailAll(List<WriteOperation> operations, Exception exception)
    {
        var reported = Reported(exception);
        if (reported is StoreUnavailableException)
            _logger.WritesFailedTransiently(exception, operations.Count, _databasePath);
        foreach (var operation in operations)
        {
            if (!operation.IsCompleted) operation.Fail(reported);
        }
    }

    /// <summary>What a caller is told of a failed write: transient SQLite errors as <see cref="StoreUnavailableException"/>, a document over SQLite's size limit as <see cref="DocumentRejectedException"/>.</summary>
    private Exception Reported(Exception exception) => exception switch
    {
        SqliteException se when SqliteErrors.IsTransient(se) => SqliteErrors.Unavailable(_databasePath, se),
        SqliteException se when SqliteErrors.IsTooBig(se) => SqliteErrors.Rejected(_databasePath, se),
        _ => exception,
    };

    /// <summary>Stops accepting writes, applies the ones already queued, and closes the connection.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        if (_thread.IsAlive && Thread.CurrentThread != _thread) _thread.Join();
        foreach (var command in new[]
        {
            _begin, _commit, _rollback, _savepoint, _release, _rollbackToSavepoint, _insertCustomer, _replaceCustomer,
            _deleteCustomer, _upsertTransition, _deleteTransitions, _upsertDeadLetter, _patchPredictions, _deletePredictions, _upsertMetrics,
        })
        {
            command.Dispose();
        }
        foreach (var command in _statements.Values) command.Dispose();
        _connection.Dispose();
    }

    /// <summary>A queued write.</summary>
    private abstract class WriteOperation(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public abstract bool IsCompleted { get; }
        public abstract void Execute(SqliteWriter writer);
        public abstract void Complete();
        public abstract void Fail(Exception exception);
        public abstract void Cancel();
    }

    private sealed class WriteOperation<T>(Func<SqliteWriter, T> execute, CancellationToken cancellationToken) : WriteOperation(cancellationToken)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;
        public override bool IsCompleted => _completion.Task.IsCompleted;
        public override void Execute(SqliteWriter writer) => _result = execute(writer);
        public override void Complete() => _completion.TrySetResult(_result!);
        public override void Fail(Exception exception) => _completion.TrySetException(exception);
        public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
    }
}

/// <summary>A transition document as it is stored: id, customer, UTC time for ordering, JSON.</summary>
internal readonly record struct TransitionRow(string Id, string CustomerId, string At, string Doc);
