using System.Globalization;
using System.Text.Json;
using System.Runtime.CompilerServices;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Store.Sqlite;

/// <summary>
/// Local mode's stand-in for Cosmos DB: the <c>customers</c>, <c>transitions</c> and
/// <c>deadletter</c> containers (and the tables of <c>metrics</c> and <c>painpoints</c>) in one
/// SQLite file, each document stored as the JSON <see cref="JourneyJson"/> writes, so the
/// documents are the same as in Cosmos DB and BI tools can query them with <c>json_extract</c>
/// (views <c>customers_v</c>, <c>transitions_v</c>, <c>deadletter_v</c>, <c>metrics_v</c>). A
/// customer's processor state (<c>journey</c>, half of a typical document) is kept in its own
/// column after the document, and its predictions and lifecycle status in <c>customer_predictions</c>; reads put the
/// document together again.
/// </summary>
/// <remarks>
/// WAL mode; one writer connection on its own thread with group commit (see
/// <see cref="SqliteWriter"/>) and a small pool of read-only connections. ETags behave like
/// Cosmos DB's: every write makes a new opaque one. The file is opened on first use (or by
/// <see cref="InitializeAsync"/>); transient SQLite errors surface as
/// <see cref="StoreUnavailableException"/>. Thread-safe.
/// </remarks>
public sealed partial class SqliteJourneyStore : ICustomerStore, ITransitionStore, IDeadLetterStore, IStoreHealth, IAsyncDisposable, IDisposable
{
    private const int ScanPageSize = 1024;

    private readonly SqliteStoreOptions _options;
    private readonly ILogger<SqliteJourneyStore> _logger;
    private readonly TimeProvider _clock;
    private readonly string _databasePath;
    private readonly SqliteReaderPool _readers;
    private readonly Lock _openLock = new();
    private volatile SqliteWriter? _writer;
    private volatile bool _disposed;

    public SqliteJourneyStore(SqliteStoreOptions options, ILogger<SqliteJourneyStore> logger, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));

        _options = options;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        _databasePath = Path.GetFullPath(options.DatabasePath);
        _readers = new SqliteReaderPool(_databasePath, options.BusyTimeout, options.MaxIdleReaders);
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => _databasePath;

    /// <summary>Opens (creating and migrating) the database now rather than on first use, so that a bad data folder shows at start.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            EnsureOpen();
            return Task.CompletedTask;
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }
    }

    // ---- customers ----

    public Task<Versioned<CustomerDocument>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(id);
            EnsureOpen();
            string etag;
            byte[] doc;
            byte[]? predictions;
            byte[]? journey;
            byte[]? lifecycle;
            var reader = _readers.Rent();
            var healthy = false;
            try
            {
                var command = reader.GetCustomer;
                command.Parameters[0].Value = id;
                using (var row = command.ExecuteReader())
                {
                    if (!row.Read())
                    {
                        healthy = true;
                        return Task.FromResult<Versioned<CustomerDocument>?>(null);
                    }
                    etag = row.GetString(0);
                    doc = row.GetUtf8(1);
                    predictions = row.IsDBNull(2) ? null : row.GetUtf8(2);
                    journey = row.IsDBNull(3) ? null : row.GetUtf8(3);
                    lifecycle = row.IsDBNull(4) ? null : row.GetUtf8(4);
                }
                healthy = true;
            }
            finally
            {
                _readers.Return(reader, healthy);
            }
            return Task.FromResult<Versioned<CustomerDocument>?>(new(ReadCustomer(doc, journey, predictions, lifecycle), etag));
        }
        catch (Exception ex)
        {
            return Failed<Versioned<CustomerDocument>?>(ex);
        }
    }

    /// <summary>One indexed read of the <c>etag</c> column: the document is not read.</summary>
    public Task<bool> IsCurrentAsync(string id, string etag, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(id);
            ArgumentNullException.ThrowIfNull(etag);
            EnsureOpen();
            var stored = Read(reader =>
            {
                var command = reader.GetETag;
                command.Parameters[0].Value = id;
                return command.ExecuteScalar() as string;
            });
            return Task.FromResult(stored == etag);
        }
        catch (Exception ex)
        {
            return Failed<bool>(ex);
        }
    }

    public Task<string> CreateAsync(CustomerDocument document, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(document);
            ArgumentException.ThrowIfNullOrEmpty(document.Id, nameof(document) + ".Id");
            var writer = EnsureOpen();
            var id = document.Id;
            var (json, journey) = Split(document);
            var etag = NewETag();
            var now = Timestamp(_clock.GetUtcNow());
            return writer.EnqueueAsync(
                w => w.InsertCustomer(id, etag, json, journey, now) ? etag : throw new ConcurrencyConflictException($"Customer {id} already exists."),
                cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed<string>(ex);
        }
    }

    public Task<string> ReplaceAsync(CustomerDocument document, string ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(document);
            ArgumentNullException.ThrowIfNull(ifMatch);
            var writer = EnsureOpen();
            var id = document.Id;
            var (json, journey) = Split(document);
            var etag = NewETag();
            var now = Timestamp(_clock.GetUtcNow());
            return writer.EnqueueAsync(
                w => w.ReplaceCustomer(id, etag, json, journey, now, ifMatch)
                    ? etag
                    : throw new ConcurrencyConflictException($"Customer {id} was changed or deleted since it was read (ETag {ifMatch})."),
                cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed<string>(ex);
        }
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(id);
            return EnsureOpen().EnqueueAsync(w => w.DeleteCustomer(id), cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed<bool>(ex);
        }
    }

    /// <summary>Pages through the customers by id without the processor's state: its column is not read, and the document's parse skips a pending merge. Memory holds a few pages, and no read transaction stays open while the caller works.</summary>
    public IAsyncEnumerable<CustomerDocument> ScanProjectionsAsync(CancellationToken cancellationToken) =>
        Scan(static row => WithDailyJobPatch(JourneyJson.DeserializeCustomerProjection(row.Doc), row.Predictions, row.Lifecycle), cancellationToken);

    private readonly record struct CustomerRow(string Id, byte[] Doc, byte[]? Predictions, byte[]? Lifecycle);

    private IAsyncEnumerable<CustomerDocument> Scan(Func<CustomerRow, CustomerDocument> parse, CancellationToken cancellationToken) =>
        PipelinedScan(ReadPage, static row => row.Id, parse, ScanPageSize, cancellationToken);

    /// <summary>
    /// Keyset paging by id in three overlapping stages: while the caller works through page N, page
    /// N + 1 is parsed (in parallel: parsing, not reading, is what a scan of large documents spends
    /// its time on) and page N + 2 is read. Documents come out in id order; memory holds three pages.
    /// A caller that stops early leaves at most one read and one parse to finish on their own.
    /// </summary>
    private async IAsyncEnumerable<T> PipelinedScan<TRow, T>(
        Func<string, List<TRow>> readPage, Func<TRow, string> idOf, Func<TRow, T> parse, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        EnsureOpen();
        var rows = readPage("");
        var more = rows.Count == pageSize;
        var reading = more ? ReadPageAsync(readPage, idOf(rows[^1]), cancellationToken) : null;
        var parsing = ParsePageAsync(rows, parse, cancellationToken);
        while (true)
        {
            var documents = await parsing;
            if (reading is not null)
            {
                var next = await reading;
                reading = next.Count == pageSize ? ReadPageAsync(readPage, idOf(next[^1]), cancellationToken) : null;
                parsing = ParsePageAsync(next, parse, cancellationToken);
            }
            else
            {
                more = false;
            }
            foreach (var document in documents) yield return document;
            if (!more) yield break;
        }
    }

    private static Task<List<TRow>> ReadPageAsync<TRow>(Func<string, List<TRow>> readPage, string after, CancellationToken cancellationToken) =>
        Task.Run(() => readPage(after), cancellationToken);

    private static Task<T[]> ParsePageAsync<TRow, T>(List<TRow> page, Func<TRow, T> parse, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            var documents = new T[page.Count];
            Parallel.For(0, page.Count, i => documents[i] = parse(page[i]));
            return documents;
        }, cancellationToken);

    private List<CustomerRow> ReadPage(string after)
    {
        var page = new List<CustomerRow>(ScanPageSize);
        Read(reader =>
        {
            var command = reader.ScanProjections;
            command.Parameters[0].Value = after;
            command.Parameters[1].Value = ScanPageSize;
            using var rows = command.ExecuteReader();
            while (rows.Read())
                page.Add(new CustomerRow(rows.GetString(0), rows.GetUtf8(1), rows.IsDBNull(2) ? null : rows.GetUtf8(2), rows.IsDBNull(3) ? null : rows.GetUtf8(3)));
            return 0;
        });
        return page;
    }

    /// <summary>A customer as stored: the document without its processor state, and that state (<c>journey</c>) apart.</summary>
    private static (string Document, string Journey) Split(CustomerDocument document) =>
        (JourneyJson.SerializeWithoutJourney(document), JourneyJson.Serialize(document.Journey));

    /// <summary>The whole document: the stored document, its processor state, and its row of <c>customer_predictions</c> (the daily job's patch) in place of whatever the document carried.</summary>
    private static CustomerDocument ReadCustomer(byte[] doc, byte[]? journey, byte[]? predictions, byte[]? lifecycle)
    {
        var document = JourneyJson.Deserialize<CustomerDocument>(doc);
        if (journey is not null) document.Journey = JourneyJson.Deserialize<JourneyState>(journey);
        return WithDailyJobPatch(document, predictions, lifecycle);
    }

    /// <summary>The daily job's predictions and lifecycle status, where it set them, over what the document carried.</summary>
    private static CustomerDocument WithDailyJobPatch(CustomerDocument document, byte[]? predictions, byte[]? lifecycle)
    {
        if (predictions is not null) document.Predictions = JourneyJson.Deserialize<Predictions>(predictions);
        if (lifecycle is not null)
        {
            var status = JourneyJson.Deserialize<LifecycleStatus>(lifecycle);
            document.Lifecycle.Status = status.Status;
            document.Lifecycle.Since = status.Since;
        }
        return document;
    }

    // ---- transitions ----

    public Task UpsertAsync(IReadOnlyCollection<TransitionDocument> transitions, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(transitions);
            if (transitions.Count == 0) return Task.CompletedTask;
            var writer = EnsureOpen();
            var rows = new TransitionRow[transitions.Count];
            var i = 0;
            foreach (var t in transitions)
                rows[i++] = new TransitionRow(t.Id, t.CustomerId, SortableUtc(t.At), JourneyJson.Serialize(t));
            return writer.EnqueueAsync(w =>
            {
                w.UpsertTransitions(rows);
                return true;
            }, cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }
    }

    /// <summary>The customer's transitions, ordered by event time (<see cref="ITransitionStore.ListAsync"/>).</summary>
    public Task<IReadOnlyList<TransitionDocument>> ListTransitionsAsync(string customerId, CancellationToken cancellationToken) =>
        ReadList<TransitionDocument>(reader => reader.ListTransitions, customerId, cancellationToken);

    Task<IReadOnlyList<TransitionDocument>> ITransitionStore.ListAsync(string customerId, CancellationToken cancellationToken) =>
        ListTransitionsAsync(customerId, cancellationToken);

    public Task DeleteAsync(string customerId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(customerId);
            ArgumentNullException.ThrowIfNull(ids);
            if (ids.Count == 0) return Task.CompletedTask;
            var copy = ids.ToArray();
            return EnsureOpen().EnqueueAsync(w => w.DeleteTransitions(customerId, copy), cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }
    }

    public Task DeleteAllAsync(string customerId, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(customerId);
            return EnsureOpen().EnqueueAsync(w => w.DeleteTransitions(customerId), cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }
    }

    // ---- dead letters ----

    public Task AddAsync(DeadLetterDocument document, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(document);
            var writer = EnsureOpen();
            var id = document.Id;
            var day = document.Day;
            var json = JourneyJson.Serialize(document);
            return writer.EnqueueAsync(w =>
            {
                w.UpsertDeadLetter(id, day, json);
                return true;
            }, cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }
    }

    /// <summary>The dead letters of one UTC day (yyyy-MM-dd), in the order they were first added (<see cref="IDeadLetterStore.ListAsync"/>).</summary>
    public Task<IReadOnlyList<DeadLetterDocument>> ListDeadLettersAsync(string day, CancellationToken cancellationToken) =>
        ReadList<DeadLetterDocument>(reader => reader.ListDeadLetters, day, cancellationToken);

    Task<IReadOnlyList<DeadLetterDocument>> IDeadLetterStore.ListAsync(string day, CancellationToken cancellationToken) =>
        ListDeadLettersAsync(day, cancellationToken);

    // ---- health ----

    /// <summary>True when the file opens, a read succeeds and the writer is running.</summary>
    public Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var writer = EnsureOpen();
            Read(reader => reader.Ping.ExecuteScalar());
            return Task.FromResult(writer.IsRunning);
        }
        catch (OperationCanceledException ex)
        {
            return Task.FromCanceled<bool>(ex.CancellationToken);
        }
        catch (Exception ex)
        {
            _logger.NotReachable(ex, _databasePath);
            return Task.FromResult(false);
        }
    }

    /// <summary>A PRAGMA's value as the writer connection sees it (for tests and diagnostics: per-connection settings such as <c>synchronous</c>).</summary>
    internal Task<string?> ReadWriterPragmaAsync(string name, CancellationToken cancellationToken) =>
        EnsureOpen().EnqueueAsync(w => w.ReadPragma(name), cancellationToken);

    // ---- lifetime ----

    /// <summary>Applies the writes already queued, then closes every connection (the WAL is checkpointed on close).</summary>
    public void Dispose()
    {
        SqliteWriter? writer;
        lock (_openLock)
        {
            if (_disposed) return;
            _disposed = true;
            writer = _writer;
        }
        _readers.Dispose();
        writer?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    // ---- internals ----

    private SqliteWriter EnsureOpen() => _writer ?? Open();

    private SqliteWriter Open()
    {
        lock (_openLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writer is { } opened) return opened;
            try
            {
                var folder = Path.GetDirectoryName(_databasePath);
                if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
                var writer = SqliteWriter.Open(_options, _databasePath, _logger);
                _logger.Opened(_databasePath, SqliteSchema.LatestVersion, writer.FoundSchemaVersion, _options.Synchronous);
                _writer = writer;
                return writer;
            }
            catch (SqliteException ex) when (SqliteErrors.IsTransient(ex))
            {
                throw SqliteErrors.Unavailable(_databasePath, ex);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StoreUnavailableException($"The SQLite store '{_databasePath}' is unavailable: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Runs one query on a pooled read connection; transient errors become <see cref="StoreUnavailableException"/>.</summary>
    private T Read<T>(Func<SqliteReader, T> query)
    {
        SqliteReader reader;
        try
        {
            reader = _readers.Rent();
        }
        catch (SqliteException ex) when (SqliteErrors.IsTransient(ex))
        {
            throw SqliteErrors.Unavailable(_databasePath, ex);
        }
        var healthy = false;
        try
        {
            var result = query(reader);
            healthy = true;
            return result;
        }
        catch (SqliteException ex) when (SqliteErrors.IsTransient(ex))
        {
            throw SqliteErrors.Unavailable(_databasePath, ex);
        }
        finally
        {
            _readers.Return(reader, healthy);
        }
    }

    private Task<IReadOnlyList<T>> ReadList<T>(Func<SqliteReader, SqliteCommand> select, string key, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(key);
            EnsureOpen();
            var docs = Read(reader =>
            {
                var command = select(reader);
                command.Parameters[0].Value = key;
                var list = new List<byte[]>();
                using var rows = command.ExecuteReader();
                while (rows.Read()) list.Add(rows.GetUtf8(0));
                return list;
            });
            var result = new T[docs.Count];
            for (var i = 0; i < docs.Count; i++) result[i] = JourneyJson.Deserialize<T>(docs[i]);
            return Task.FromResult<IReadOnlyList<T>>(result);
        }
        catch (Exception ex)
        {
            return Failed<IReadOnlyList<T>>(ex);
        }
    }

    private Task<T> Failed<T>(Exception exception) => exception is OperationCanceledException oce
        ? Task.FromCanceled<T>(CanceledToken(oce))
        : Task.FromException<T>(Reported(exception));

    private Task Failed(Exception exception) => exception is OperationCanceledException oce
        ? Task.FromCanceled(CanceledToken(oce))
        : Task.FromException(Reported(exception));

    /// <summary>A token that is canceled: the one that canceled the operation, or a new one for a cancellation that did not come from a token.</summary>
    private static CancellationToken CanceledToken(OperationCanceledException oce) =>
        oce.CancellationToken.IsCancellationRequested ? oce.CancellationToken : new CancellationToken(true);

    /// <summary>What the caller sees of a failure: a transient SQLite error as unavailable, a document too big as rejected, anything else as it is.</summary>
    private Exception Reported(Exception exception) => exception switch
    {
        SqliteException se when SqliteErrors.IsTransient(se) => SqliteErrors.Unavailable(_databasePath, se),
        SqliteException se when SqliteErrors.IsTooBig(se) => SqliteErrors.Rejected(_databasePath, se),
        _ => exception,
    };

    /// <summary>A new opaque ETag, quoted like Cosmos DB's; unique, so a document deleted and created again never matches an old one.</summary>
    private static string NewETag() => $"\"{Guid.NewGuid()}\"";

    /// <summary>Store write time, UTC, sortable as text.</summary>
    private static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Event time as UTC text with full precision, so that text order is time order whatever the offset was.</summary>
    internal static string SortableUtc(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
