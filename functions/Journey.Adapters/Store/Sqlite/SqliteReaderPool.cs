using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Journey.Adapters.Store.Sqlite;

/// <summary>
/// Read-only connections, each with its statements prepared once. In WAL mode readers never block
/// the writer nor each other, and each statement sees the last committed state. A caller rents a
/// connection for one query only; a few idle ones are kept, extra ones are closed.
/// </summary>
internal sealed class SqliteReaderPool(string databasePath, TimeSpan busyTimeout, int maxIdle) : IDisposable
{
    private readonly ConcurrentBag<SqliteReader> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

    public SqliteReader Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var reader))
        {
            Interlocked.Decrement(ref _idleCount);
            return reader;
        }
        return new SqliteReader(SqliteConnections.Open(databasePath, readOnly: true, busyTimeout));
    }

    /// <summary>Gives the connection back; <paramref name="healthy"/> false closes it (after an error).</summary>
    public void Return(SqliteReader reader, bool healthy = true)
    {
        if (healthy && !_disposed)
        {
            if (Interlocked.Increment(ref _idleCount) <= maxIdle)
            {
                _idle.Add(reader);
                if (_disposed) Drain(); // raced with Dispose
                return;
            }
            Interlocked.Decrement(ref _idleCount);
        }
        reader.Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void Drain()
    {
        while (_idle.TryTake(out var reader)) reader.Dispose();
    }
}

/// <summary>One read-only connection and its prepared queries.</summary>
internal sealed class SqliteReader(SqliteConnection connection) : IDisposable
{
    private SqliteCommand? _getCustomer;
    private SqliteCommand? _getETag;
    private SqliteCommand? _scanProjections;
    private SqliteCommand? _listTransitions;
    private SqliteCommand? _listDeadLetters;
    private SqliteCommand? _ping;
    private SqliteCommand? _getMetrics;
    private SqliteCommand? _listMetrics;
    private SqliteCommand? _latestMetricsDate;
    private SqliteCommand? _listMetricsSeries;
    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    /// <summary>(etag, doc, predictions, journey, lifecycle) of one customer.</summary>
    /// <summary>(etag) of one customer.</summary>
    public SqliteCommand GetETag => _getETag ??=
        SqliteConnections.Prepare(connection, "SELECT etag FROM customers WHERE id = $id", "$id");

    public SqliteCommand GetCustomer => _getCustomer ??=
        SqliteConnections.Prepare(connection, "SELECT c.etag, c.doc, p.predictions, c.journey, p.lifecycle FROM customers c LEFT JOIN customer_predictions p ON p.id = c.id WHERE c.id = $id", "$id");

    /// <summary>(id, doc, predictions, lifecycle) of the next page of customers by id (keyset paging: no read transaction spans the scan); the journey column, after the document in the row, is not even read.</summary>
    public SqliteCommand ScanProjections => _scanProjections ??= PrepareScan();

    public SqliteCommand ListTransitions => _listTransitions ??=
        SqliteConnections.Prepare(connection, "SELECT doc FROM transitions WHERE customer_id = $customer_id ORDER BY at, id", "$customer_id");

    public SqliteCommand ListDeadLetters => _listDeadLetters ??=
        SqliteConnections.Prepare(connection, "SELECT doc FROM deadletter WHERE day = $day ORDER BY rowid", "$day");

    public SqliteCommand GetMetrics => _getMetrics ??=
        SqliteConnections.Prepare(connection, "SELECT doc FROM metrics WHERE id = $id", "$id");

    public SqliteCommand ListMetrics => _listMetrics ??=
        SqliteConnections.Prepare(connection, "SELECT doc FROM metrics WHERE date = $date ORDER BY kind", "$date");

    /// <summary>One kind's documents in a date range, served by the (kind, date) index.</summary>
    public SqliteCommand ListMetricsSeries => _listMetricsSeries ??=
        SqliteConnections.Prepare(connection, "SELECT doc FROM metrics WHERE kind = $kind AND date >= $since AND date <= $until ORDER BY date", "$kind", "$since", "$until");

    public SqliteCommand LatestMetricsDate => _latestMetricsDate ??=
        SqliteConnections.Prepare(connection, "SELECT max(date) FROM metrics");

    /// <summary>A query prepared on this connection on first use and kept (for the reads of the store's other files: feedback, pain points); its parameters are set by position.</summary>
    public SqliteCommand Statement(string sql, params string[] parameterNames)
    {
        if (!_statements.TryGetValue(sql, out var command))
        {
            command = SqliteConnections.Prepare(connection, sql, parameterNames);
            _statements[sql] = command;
        }
        return command;
    }

    public SqliteCommand Ping => _ping ??=
        SqliteConnections.Prepare(connection, "SELECT max(version) FROM schema_version");

    private SqliteCommand PrepareScan()
    {
        var command = connection.CreateCommand();
        command.CommandText = "SELECT c.id, c.doc, p.predictions, p.lifecycle FROM customers c LEFT JOIN customer_predictions p ON p.id = c.id WHERE c.id > $after ORDER BY c.id LIMIT $limit";
        command.Parameters.Add("$after", SqliteType.Text);
        command.Parameters.Add("$limit", SqliteType.Integer);
        command.Prepare();
        return command;
    }

    public void Dispose()
    {
        _getCustomer?.Dispose();
        _getETag?.Dispose();
        _scanProjections?.Dispose();
        _listTransitions?.Dispose();
        _listDeadLetters?.Dispose();
        _ping?.Dispose();
        _getMetrics?.Dispose();
        _listMetrics?.Dispose();
        _latestMetricsDate?.Dispose();
        _listMetricsSeries?.Dispose();
        foreach (var command in _statements.Values) command.Dispose();
        connection.Dispose();
    }
}
