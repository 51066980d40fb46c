using Journey.Domain.Metrics;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing.Store;

/// <summary>
/// What every <see cref="IMetricsStore"/> adapter must do. Kinds are unique per test (the kind is
/// Cosmos DB's partition key), so the store may be shared with other tests.
/// </summary>
public abstract class MetricsStoreContract : IAsyncLifetime
{
    private IMetricsStore? _store;

    protected IMetricsStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected abstract Task<IMetricsStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    private static CancellationToken Ct => CancellationToken.None;

    public static MetricsDocument Document(string kind, string date, string data = """{"cohorts":[{"cohort":"2026-01","size":3,"counts":[3,1,0]}],"rate":0.125}""") => new()
    {
        Id = MetricsDocument.IdFor(kind, date),
        Kind = kind,
        Date = date,
        Data = StoreTestData.Json(data),
        Run = new MetricsRun { ComputedAt = StoreTestData.T0, Seconds = 1.25, Customers = 3 },
    };

    [Fact]
    public async Task Upsert_then_Get_returns_every_field()
    {
        var kind = StoreTestData.NewId("k");
        var doc = Document(kind, "2026-03-02");
        StoreTestData.AssertEveryPropertySet(doc);

        await Store.UpsertAsync(doc, Ct);

        var stored = await Store.GetAsync(kind, "2026-03-02", Ct);
        Assert.NotNull(stored);
        Assert.Equal(JourneyJson.Serialize(doc), JourneyJson.Serialize(stored));
    }

    [Fact]
    public async Task Get_of_a_missing_kind_or_date_returns_null()
    {
        var kind = StoreTestData.NewId("k");
        await Store.UpsertAsync(Document(kind, "2026-03-02"), Ct);

        Assert.Null(await Store.GetAsync(kind, "2026-03-03", Ct));
        Assert.Null(await Store.GetAsync(StoreTestData.NewId("k"), "2026-03-02", Ct));
    }

    [Fact]
    public async Task Upsert_twice_keeps_one_document_with_the_latest_data()
    {
        var kind = StoreTestData.NewId("k");
        await Store.UpsertAsync(Document(kind, "2026-03-02", """{"rate":1}"""), Ct);
        await Store.UpsertAsync(Document(kind, "2026-03-02", """{"rate":2}"""), Ct);

        var stored = await Store.GetAsync(kind, "2026-03-02", Ct);
        Assert.Equal(2, stored!.Data.GetProperty("rate").GetInt32());
        Assert.Single(await Store.ListAsync("2026-03-02", Ct), d => d.Kind == kind);
    }

    [Fact]
    public async Task List_returns_the_documents_of_that_date_ordered_by_kind()
    {
        var suffix = Guid.NewGuid().ToString("N");
        var (a, b) = ($"a-{suffix}", $"b-{suffix}");
        await Store.UpsertAsync(Document(b, "2026-03-02"), Ct);
        await Store.UpsertAsync(Document(a, "2026-03-02"), Ct);
        await Store.UpsertAsync(Document(a, "2026-03-01"), Ct);

        var listed = (await Store.ListAsync("2026-03-02", Ct)).Where(d => d.Kind.EndsWith(suffix, StringComparison.Ordinal)).ToList();

        Assert.Equal([a, b], listed.Select(d => d.Kind));
        Assert.All(listed, d => Assert.Equal("2026-03-02", d.Date));
    }

    [Fact]
    public async Task LatestDate_is_the_largest_date_written()
    {
        var kind = StoreTestData.NewId("k");
        await Store.UpsertAsync(Document(kind, "9998-01-02"), Ct);
        await Store.UpsertAsync(Document(kind, "9998-01-01"), Ct);

        var latest = await Store.LatestDateAsync(Ct);

        // Other tests sharing the store write earlier dates only.
        Assert.Equal("9998-01-02", latest);
    }

    [Fact]
    public async Task ListSeries_returns_one_kinds_documents_in_the_range_ordered_by_date()
    {
        var kind = StoreTestData.NewId("k");
        var other = StoreTestData.NewId("k");
        foreach (var date in new[] { "2026-03-09", "2026-03-01", "2026-02-28", "2026-03-05", "2026-03-10" })
            await Store.UpsertAsync(Document(kind, date, $$"""{"day":"{{date}}"}"""), Ct);
        await Store.UpsertAsync(Document(other, "2026-03-05"), Ct);

        var series = await Store.ListSeriesAsync(kind, "2026-03-01", "2026-03-09", Ct);

        Assert.Equal(["2026-03-01", "2026-03-05", "2026-03-09"], series.Select(d => d.Date));
        Assert.All(series, d => Assert.Equal(kind, d.Kind));
        Assert.Equal("2026-03-05", series[1].Data.GetProperty("day").GetString());
        Assert.Empty(await Store.ListSeriesAsync(kind, "2026-03-11", "2026-12-31", Ct));
        Assert.Empty(await Store.ListSeriesAsync(StoreTestData.NewId("k"), "2026-01-01", "2026-12-31", Ct));
    }
}
