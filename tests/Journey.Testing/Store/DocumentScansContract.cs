using Journey.Domain.Customers;
using Journey.Domain.Feedback;
using Journey.Domain.Ports;

namespace Journey.Testing.Store;

/// <summary>The ports a scan test writes through, and the scans it reads back with (one store implements them all).</summary>
public sealed record ScanPorts(IDocumentScans Scans, ITransitionStore Transitions, IMetricsStore Metrics, IFeedbackStore Feedback, IPainPointStore PainPoints, IActionStore Actions)
{
    public static ScanPorts Of<TStore>(TStore store)
        where TStore : IDocumentScans, ITransitionStore, IMetricsStore, IFeedbackStore, IPainPointStore, IActionStore =>
        new(store, store, store, store, store, store);
}

/// <summary>
/// What every <see cref="IDocumentScans"/> adapter must do: every document of the container, and with a
/// time or date only those from it on. Ids, kinds and periods are unique per test, so the store may be
/// shared with other tests: only this test's documents are looked at.
/// </summary>
public abstract class DocumentScansContract : IAsyncLifetime
{
    private ScanPorts? _ports;

    protected ScanPorts Ports => _ports ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected abstract Task<ScanPorts> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _ports = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    private static CancellationToken Ct => CancellationToken.None;

    private static readonly DateTimeOffset Early = StoreTestData.T0;
    private static readonly DateTimeOffset Late = StoreTestData.T0.AddDays(40);

    /// <summary>Between the two: a UTC instant, while the documents' times keep a +02:00 offset (the scan compares instants, not text).</summary>
    private static readonly DateTimeOffset Between = StoreTestData.T0.UtcDateTime.AddDays(20);

    [Fact]
    public async Task Transitions_all_and_from_a_time()
    {
        var customer = StoreTestData.NewId();
        await Ports.Transitions.UpsertAsync(
            [StoreTestData.Transition(customer, Stage.Awareness, Stage.Consideration, Early), StoreTestData.Transition(customer, Stage.Consideration, Stage.Conversion, Late)], Ct);

        var all = await Ports.Scans.ScanTransitionsAsync(null, Ct).Where(t => t.CustomerId == customer).ToListAsync(Ct);
        Assert.Equal([Stage.Consideration, Stage.Conversion], all.Select(t => t.To).Order());
        Assert.Equal(Early, all.Single(t => t.To == Stage.Consideration).At);
        var since = await Ports.Scans.ScanTransitionsAsync(Between, Ct).Where(t => t.CustomerId == customer).ToListAsync(Ct);
        Assert.Equal(Stage.Conversion, Assert.Single(since).To);
    }

    [Fact]
    public async Task Metrics_all_and_from_a_date()
    {
        var kind = StoreTestData.NewId("k");
        await Ports.Metrics.UpsertAsync(MetricsStoreContract.Document(kind, "2026-03-02"), Ct);
        await Ports.Metrics.UpsertAsync(MetricsStoreContract.Document(kind, "2026-03-05"), Ct);

        var all = await Ports.Scans.ScanMetricsAsync(null, Ct).Where(m => m.Kind == kind).ToListAsync(Ct);
        Assert.Equal(["2026-03-02", "2026-03-05"], all.Select(m => m.Date).Order(StringComparer.Ordinal));
        Assert.Equal(0.125, all[0].Data.GetProperty("rate").GetDouble());
        var since = await Ports.Scans.ScanMetricsAsync("2026-03-05", Ct).Where(m => m.Kind == kind).ToListAsync(Ct);
        Assert.Equal("2026-03-05", Assert.Single(since).Date);
    }

    [Fact]
    public async Task Feedback_all_and_from_a_time_without_embeddings()
    {
        var customer = StoreTestData.NewId();
        var early = FeedbackStoreContract.Item(customer, StoreTestData.NewId("m"), Early, embedding: new FeedbackEmbedding("model", [1f, 0f]));
        var late = FeedbackStoreContract.Item(customer, StoreTestData.NewId("m"), Late);
        await Ports.Feedback.AddAsync([early, late], Ct);

        var all = await Ports.Scans.ScanFeedbackAsync(null, Ct).Where(f => f.CustomerId == customer).ToListAsync(Ct);
        Assert.Equal(new[] { early.Id, late.Id }.Order(StringComparer.Ordinal), all.Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.All(all, f => Assert.Null(f.Embedding));
        Assert.Equal(early.Text, all.Single(f => f.Id == early.Id).Text);
        var since = await Ports.Scans.ScanFeedbackAsync(Between, Ct).Where(f => f.CustomerId == customer).ToListAsync(Ct);
        Assert.Equal(late.Id, Assert.Single(since).Id);
    }

    [Fact]
    public async Task PainPoints_all_and_of_periods_ending_from_a_date()
    {
        var first = PainPointStoreContract.NewPeriod();
        var second = PainPointStoreContract.NewPeriod();
        while (string.Equals(second[12..], first[12..], StringComparison.Ordinal)) second = PainPointStoreContract.NewPeriod();
        await Ports.PainPoints.ReplacePeriodAsync(first, [PainPointStoreContract.Document(first, 1), PainPointStoreContract.Document(first, 2)], Ct);
        await Ports.PainPoints.ReplacePeriodAsync(second, [PainPointStoreContract.Document(second, 1)], Ct);
        string[] ours = [first, second];

        var all = await Ports.Scans.ScanPainPointsAsync(null, Ct).Where(p => ours.Contains(p.Period)).ToListAsync(Ct);
        Assert.Equal(3, all.Count);
        var later = string.CompareOrdinal(first[12..], second[12..]) > 0 ? first : second;
        var since = await Ports.Scans.ScanPainPointsAsync(later[12..], Ct).Where(p => ours.Contains(p.Period)).ToListAsync(Ct);
        Assert.All(since, p => Assert.Equal(later, p.Period));
        Assert.Equal(later == first ? 2 : 1, since.Count);
    }

    [Fact]
    public async Task Actions_all_and_created_from_a_time()
    {
        var customer = StoreTestData.NewId();
        await Ports.Actions.AddAsync([ActionStoreContract.Sample(customer, key: "early", createdAt: Early, dueAt: Early), ActionStoreContract.Sample(customer, key: "late", createdAt: Late, dueAt: Late)], Ct);

        var all = await Ports.Scans.ScanActionsAsync(null, Ct).Where(a => a.CustomerId == customer).ToListAsync(Ct);
        Assert.Equal(["early", "late"], all.Select(a => a.Trigger.Key).Order(StringComparer.Ordinal));
        var since = await Ports.Scans.ScanActionsAsync(Between, Ct).Where(a => a.CustomerId == customer).ToListAsync(Ct);
        Assert.Equal("late", Assert.Single(since).Trigger.Key);
    }
}
