using Journey.Adapters.Store.Sqlite;
using Journey.Domain.Actions;
using Journey.Testing.Store;
using Microsoft.Data.Sqlite;

namespace Journey.Adapters.Tests.Store.Sqlite;

/// <summary>The outbox's reads on SQLite use their indexes (no scan of the table), and the dispatcher's read stays quick on a large table.</summary>
public sealed class SqliteActionQueryTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private List<string> Plan(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = _database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        using var reader = command.ExecuteReader();
        var details = new List<string>();
        while (reader.Read()) details.Add(reader.GetString(3));
        return details;
    }

    [Fact]
    public async Task The_dispatchers_read_and_the_customer_read_use_their_indexes()
    {
        using var store = _database.Open();
        await store.AddAsync([ActionStoreContract.Sample("c-1")], CancellationToken.None);

        var due = Plan(SqliteJourneyStore.DueActionsSql, ("$now", "2026-01-01T00:00:00.0000000Z"), ("$limit", 100));
        var byCustomer = Plan(SqliteJourneyStore.CustomerActionsSql, ("$customer_id", "c-1"));

        Assert.Contains(due, d => d.Contains("ix_actions_pending_due", StringComparison.Ordinal));
        Assert.DoesNotContain(due, d => d.StartsWith("SCAN actions", StringComparison.Ordinal) && !d.Contains("INDEX", StringComparison.Ordinal));
        Assert.DoesNotContain(due, d => d.Contains("TEMP B-TREE", StringComparison.Ordinal));
        Assert.Contains(byCustomer, d => d.Contains("ix_actions_customer_id", StringComparison.Ordinal));
        Assert.DoesNotContain(byCustomer, d => d.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Due_reads_only_pending_rows_among_many_sent_ones()
    {
        using var store = _database.Open();
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var actions = Enumerable.Range(0, 20_000).Select(i =>
        {
            var a = ActionStoreContract.Sample($"c-{i % 500}", key: $"o-{i}", createdAt: t0.AddSeconds(i));
            a.Status = i % 100 == 0 ? ActionStatuses.Pending : ActionStatuses.Sent;
            return a;
        }).ToList();
        await store.AddAsync(actions, CancellationToken.None);

        var due = await store.DueAsync(t0.AddDays(1), 1_000, CancellationToken.None);

        Assert.Equal(200, due.Count);
        Assert.All(due, v => Assert.Equal(ActionStatuses.Pending, v.Document.Status));
        Assert.Equal(due.Select(v => v.Document.DueAt).Order(), due.Select(v => v.Document.DueAt));
    }
}
