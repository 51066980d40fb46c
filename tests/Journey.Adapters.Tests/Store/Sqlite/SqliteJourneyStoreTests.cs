using System.Text.Json;
using Journey.Adapters.Store.Sqlite;
using Journey.Testing.Store;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Adapters.Tests.Store.Sqlite;

/// <summary>What the SQLite store does beyond the port contracts: the file, its durability and its failures.</summary>
public sealed class SqliteJourneyStoreTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly SqliteTestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Reopened_after_dispose_the_database_has_every_document_and_ETag()
    {
        var customer = StoreTestData.PopulatedCustomer("c-1");
        var transition = StoreTestData.Transition("c-1", Stage.Awareness, Stage.Conversion, StoreTestData.T0);
        var deadLetter = StoreTestData.DeadLetter("0", 12, "2026-03-02");
        string etag;
        await using (var store = _database.Open())
        {
            etag = await store.CreateAsync(customer, Ct);
            await store.UpsertAsync([transition], Ct);
            await store.AddAsync(deadLetter, Ct);
        }

        await using var reopened = _database.Open();
        var stored = await reopened.GetAsync("c-1", Ct);

        Assert.Equal(etag, stored!.ETag);
        Assert.Equal(JourneyJson.Serialize(customer), JourneyJson.Serialize(stored.Document));
        Assert.Equal(JourneyJson.Serialize(transition), JourneyJson.Serialize(Assert.Single(await reopened.ListTransitionsAsync("c-1", Ct))));
        Assert.Equal(JourneyJson.Serialize(deadLetter), JourneyJson.Serialize(Assert.Single(await reopened.ListDeadLettersAsync("2026-03-02", Ct))));
        Assert.NotEqual(etag, await reopened.ReplaceAsync(stored.Document, etag, Ct));
    }

    [Fact]
    public async Task Dispose_completes_the_writes_already_queued()
    {
        var store = _database.Open();
        var creates = Enumerable.Range(0, 300).Select(i => store.CreateAsync(StoreTestData.Customer($"c-{i}"), Ct)).ToList();

        store.Dispose();

        await Task.WhenAll(creates);
        await using var reopened = _database.Open();
        var count = 0;
        await foreach (var _ in reopened.ScanProjectionsAsync(Ct)) count++;
        Assert.Equal(300, count);
    }

    [Fact]
    public async Task A_disposed_store_refuses_calls()
    {
        var store = _database.Open();
        await store.CreateAsync(StoreTestData.Customer("c-1"), Ct);
        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetAsync("c-1", Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.CreateAsync(StoreTestData.Customer("c-2"), Ct));
    }

    [Fact]
    public async Task The_database_file_is_created_in_WAL_mode_with_versioned_schema_tables_views_and_indexes()
    {
        await using var store = _database.Open();
        await store.InitializeAsync(Ct);

        Assert.Equal(_database.DatabasePath, store.DatabasePath);
        using var connection = _database.Connect();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal(SqliteSchema.LatestVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(connection, "SELECT max(version) FROM schema_version"));
        var objects = Rows(connection, "SELECT type || ' ' || name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").Select(r => (string)r[0]!).ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                "table customers", "table customer_predictions", "table transitions", "table deadletter", "table metrics", "table painpoints", "table schema_version",
                "table feedback", "index ix_transitions_customer_id", "index ix_deadletter_day", "index ix_feedback_time", "index ix_painpoints_generated_at",
                "view customers_v", "view transitions_v", "view deadletter_v", "view metrics_v", "view feedback_v", "view painpoints_v",
                "table actions", "index ix_actions_pending_due", "index ix_actions_customer_id", "view actions_v",
            },
            objects);
        var customerColumns = Rows(connection, "SELECT name, type, \"notnull\", pk FROM pragma_table_info('customers') ORDER BY cid")
            .Select(r => $"{r[0]} {r[1]} {r[2]} {r[3]}");
        Assert.Equal(["id TEXT 0 1", "etag TEXT 1 0", "doc TEXT 1 0", "updated_at TEXT 0 0", "journey TEXT 0 0"], customerColumns);
    }

    [Fact]
    public async Task Opening_again_does_not_migrate_again()
    {
        await using (var first = _database.Open()) await first.InitializeAsync(Ct);
        await using var second = _database.Open();
        await second.InitializeAsync(Ct);

        using var connection = _database.Connect();
        Assert.Equal(SqliteSchema.LatestVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(connection, "SELECT count(*) FROM schema_version"));
    }

    [Fact]
    public async Task A_database_from_a_newer_build_is_refused_with_a_message_naming_it()
    {
        await using (var store = _database.Open()) await store.InitializeAsync(Ct);
        using (var connection = _database.Connect(readOnly: false))
            Execute(connection, "INSERT INTO schema_version(version, applied_at) VALUES (999, 'later')");

        await using var newer = _database.Open();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.InitializeAsync(Ct));
        Assert.Contains(_database.DatabasePath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_are_synced_fully_by_default()
    {
        await using var store = _database.Open();

        Assert.Equal("2", await store.ReadWriterPragmaAsync("synchronous", Ct)); // FULL
    }

    [Fact]
    public async Task Synchronous_NORMAL_can_be_chosen()
    {
        await using var store = _database.Open(o => o.Synchronous = SqliteSynchronous.Normal);

        Assert.Equal("1", await store.ReadWriterPragmaAsync("synchronous", Ct));
    }

    [Fact]
    public async Task The_doc_column_holds_the_JourneyJson_document_and_the_journey_column_its_processor_state_with_a_quoted_ETag_and_the_write_time()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 14, 0, 0, 250, TimeSpan.FromHours(2)).ToUniversalTime());
        await using var store = _database.Open(clock: clock);
        var doc = StoreTestData.PopulatedCustomer("c-1");

        var etag = await store.CreateAsync(doc, Ct);

        using var connection = _database.Connect();
        var row = Assert.Single(Rows(connection, "SELECT etag, doc, updated_at, journey, json_set(doc, '$.journey', json(journey)) FROM customers WHERE id = 'c-1'"));
        Assert.Equal(etag, row[0]);
        Assert.StartsWith("\"", etag, StringComparison.Ordinal);
        Assert.EndsWith("\"", etag, StringComparison.Ordinal);
        Assert.Equal("2026-04-01T12:00:00.250Z", row[2]);
        Assert.Equal(JourneyJson.Serialize(doc.Journey), row[3]);
        // the document without its own journey (a pending merge inside keeps its journey) …
        using var stored = JsonDocument.Parse((string)row[1]!);
        Assert.False(stored.RootElement.TryGetProperty("journey", out _));
        Assert.True(stored.RootElement.GetProperty("pendingMerge").TryGetProperty("journey", out _));
        // … and with it put back, the whole JourneyJson document
        using var whole = JsonDocument.Parse((string)row[4]!);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(JourneyJson.Serialize(doc)).RootElement, whole.RootElement));
    }

    [Fact]
    public async Task Documents_with_properties_this_build_does_not_know_still_read()
    {
        await using var store = _database.Open();
        var doc = StoreTestData.PopulatedCustomer("c-1");
        await store.CreateAsync(doc, Ct);
        using (var connection = _database.Connect(readOnly: false))
            Execute(connection, "UPDATE customers SET doc = json_set(doc, '$.addedLater', json('{\"x\":1}'), '$.orders.addedLater', 2) WHERE id = 'c-1'");

        var stored = await store.GetAsync("c-1", Ct);

        Assert.Equal(JourneyJson.Serialize(doc), JourneyJson.Serialize(stored!.Document));
    }

    [Fact]
    public async Task A_damaged_document_fails_as_a_JSON_error_not_as_an_unavailable_store()
    {
        await using var store = _database.Open();
        await store.CreateAsync(StoreTestData.Customer("c-1"), Ct);
        using (var connection = _database.Connect(readOnly: false))
            Execute(connection, "UPDATE customers SET doc = '{\"id\": \"c-1\", ' WHERE id = 'c-1'");

        await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(() => store.GetAsync("c-1", Ct));
    }

    [Fact]
    public async Task While_another_process_holds_the_write_lock_writes_fail_as_unavailable_naming_the_file_and_reads_go_on()
    {
        await using var store = _database.Open(o => o.BusyTimeout = TimeSpan.FromMilliseconds(100));
        await store.CreateAsync(StoreTestData.Customer("c-1"), Ct);
        using var other = _database.Connect(readOnly: false);
        Execute(other, "BEGIN IMMEDIATE");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CreateAsync(StoreTestData.Customer("c-2"), Ct));
        Assert.Contains(_database.DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(error.InnerException);
        Assert.NotNull(await store.GetAsync("c-1", Ct));

        Execute(other, "ROLLBACK");
        await store.CreateAsync(StoreTestData.Customer("c-2"), Ct);
        Assert.NotNull(await store.GetAsync("c-2", Ct));
    }

    [Fact]
    public async Task A_data_folder_that_cannot_be_created_makes_the_store_unreachable_and_unavailable()
    {
        Directory.CreateDirectory(_database.Folder);
        var file = Path.Combine(_database.Folder, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");
        await using var store = new SqliteJourneyStore(
            new SqliteStoreOptions { DatabasePath = Path.Combine(file, "journey.db") }, NullLogger<SqliteJourneyStore>.Instance);

        Assert.False(await store.IsReachableAsync(Ct));
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync("c-1", Ct));
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":memory:")]
    public void Options_without_a_database_file_are_refused(string path)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new SqliteJourneyStore(new SqliteStoreOptions { DatabasePath = path }, NullLogger<SqliteJourneyStore>.Instance));
        Assert.Contains(nameof(SqliteStoreOptions.DatabasePath), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_file_is_journey_db_in_the_data_folder()
    {
        Assert.Equal(Path.Combine("data", "journey.db"), SqliteStoreOptions.ForDataDirectory("data").DatabasePath);
        Assert.Equal(SqliteSynchronous.Full, new SqliteStoreOptions().Synchronous);
    }

    [Fact]
    public async Task A_write_that_fails_does_not_undo_the_other_writes_committed_with_it()
    {
        await using var store = _database.Open();
        await store.CreateAsync(StoreTestData.Customer("taken"), Ct);
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await store.CreateAsync(StoreTestData.Customer(i % 2 == 0 ? "taken" : $"c-{i}"), Ct);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(tasks);

        Assert.Equal(50, results.Count(ok => ok));
        for (var i = 1; i < 100; i += 2) Assert.NotNull(await store.GetAsync($"c-{i}", Ct));
    }

    [Fact]
    public async Task Scan_of_an_empty_store_yields_nothing()
    {
        await using var store = _database.Open();
        await foreach (var _ in store.ScanProjectionsAsync(Ct)) Assert.Fail("The store is empty.");
    }

    internal static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static List<object?[]> Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
