using System.Text.Json;
using Journey.Application.Metrics;
using Journey.Domain.Metrics;
using Journey.Domain.Stages;
using Journey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Adapters.Tests.Store.Sqlite;

/// <summary>The daily job's <c>journey</c> document on the SQLite store: the same as the in-memory store gives for the same events.</summary>
public sealed class SqliteJourneyMapJobTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly SqliteTestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task The_journey_map_on_SQLite_equals_the_in_memory_one_is_written_once_and_follows_the_date()
    {
        var workload = ShopWorkload.Generate(seed: 5, customers: 80);
        var clock = new FakeTimeProvider(Events.T0.AddDays(60));
        var rules = new JourneyRulesOptions();
        var sqlite = _database.Open();
        var memory = new InMemoryJourneyStore();
        var sqliteProcessor = Processors.Create(sqlite, sqlite, sqlite, rules, clock);
        var memoryProcessor = Processors.Create(memory, memory, memory, rules, clock);
        foreach (var batch in workload.Batches)
        {
            await sqliteProcessor.ProcessAsync(batch, Ct);
            await memoryProcessor.ProcessAsync(batch, Ct);
        }
        var asOf = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);
        var memoryMetrics = new InMemoryMetricsStore();
        var onSqlite = new DailyJob(sqlite, sqlite, sqlite, sqlite, rules, new DailyJobOptions(), clock, NullLogger<DailyJob>.Instance);
        var inMemory = new DailyJob(memory, memory, memoryMetrics, new InMemoryPredictionStore(memory), rules, new DailyJobOptions(), clock, NullLogger<DailyJob>.Instance);

        var first = await onSqlite.RunAsync(asOf, null, Ct);
        var second = await onSqlite.RunAsync(asOf, null, Ct);
        await inMemory.RunAsync(asOf, null, Ct);

        var stored = (await sqlite.GetAsync(MetricKinds.Journey, new AsOf(asOf).Text, Ct))!.Data;
        var expected = (await memoryMetrics.GetAsync(MetricKinds.Journey, new AsOf(asOf).Text, Ct))!.Data;
        Assert.True(MetricsFigures.Same(expected, stored), $"SQLite: {stored.GetRawText()}\nin memory: {expected.GetRawText()}");
        var transitions = await sqlite.ScanTransitionsAsync(null, Ct).ToListAsync(Ct);
        Assert.Equal(transitions.Count, first.TransitionsCounted);
        Assert.Equal(transitions.Select(t => t.CustomerId).Distinct().Count(), stored.GetProperty("customers").GetInt32());
        Assert.Equal(transitions.Count(t => t.To == Domain.Customers.Stage.Conversion), stored.GetProperty("pathsToFirstOrder").GetProperty("buyers").GetInt32());
        Assert.NotEmpty(stored.GetProperty("links").EnumerateArray());
        Assert.NotEmpty(stored.GetProperty("pathsToFirstOrder").GetProperty("paths").EnumerateArray());
        Assert.Equal(0, second.MetricsWritten);

        // A date before the last transitions: only those up to its end.
        var middle = transitions.Select(t => t.At).Order().ElementAt(transitions.Count / 2);
        var earlierDate = DateOnly.FromDateTime(middle.UtcDateTime);
        var earlier = await onSqlite.RunAsync(earlierDate, null, Ct);
        Assert.Equal(transitions.Count(t => new AsOf(earlierDate).Includes(t.At)), earlier.TransitionsCounted);
        Assert.InRange(earlier.TransitionsCounted, 1, first.TransitionsCounted - 1);
        var earlierData = (await sqlite.GetAsync(MetricKinds.Journey, new AsOf(earlierDate).Text, Ct))!.Data;
        Assert.Equal(
            transitions.Where(t => new AsOf(earlierDate).Includes(t.At)).Select(t => t.CustomerId).Distinct().Count(),
            earlierData.GetProperty("customers").GetInt32());
        Assert.Equal(JsonValueKind.Array, earlierData.GetProperty("pathsToFirstOrder").GetProperty("paths").ValueKind);
    }
}
