using Journey.Testing.Store;
using Journey.Domain.Ports;

namespace Journey.Adapters.Tests.Store.Sqlite;

// The store contracts, run against the SQLite store (a fresh database file per test).

public sealed class SqliteCustomerStoreTests : CustomerStoreContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<ICustomerStore> CreateStoreAsync() => Task.FromResult<ICustomerStore>(_database.Open());

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteTransitionStoreTests : TransitionStoreContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<ITransitionStore> CreateStoreAsync() => Task.FromResult<ITransitionStore>(_database.Open());

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteDeadLetterStoreTests : DeadLetterStoreContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<IDeadLetterStore> CreateStoreAsync() => Task.FromResult<IDeadLetterStore>(_database.Open());

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteStoreHealthTests : StoreHealthContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<IStoreHealth> CreateHealthAsync() => Task.FromResult<IStoreHealth>(_database.Open());

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteMetricsStoreTests : MetricsStoreContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<IMetricsStore> CreateStoreAsync() => Task.FromResult<IMetricsStore>(_database.Open());

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task LatestDate_is_null_before_the_job_ever_ran()
    {
        Assert.Null(await Store.LatestDateAsync(CancellationToken.None));
    }
}

public sealed class SqlitePredictionStoreTests : PredictionStoreContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<(ICustomerStore Customers, IPredictionStore Predictions)> CreateStoreAsync()
    {
        var store = _database.Open();
        return Task.FromResult<(ICustomerStore, IPredictionStore)>((store, store));
    }

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteFeedbackStoreTests : FeedbackStoreContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<IFeedbackStore> CreateStoreAsync() => Task.FromResult<IFeedbackStore>(_database.Open());

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteActionStoreTests : ActionStoreContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<IActionStore> CreateStoreAsync() => Task.FromResult<IActionStore>(_database.Open());

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqlitePainPointStoreTests : PainPointStoreContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<IPainPointStore> CreateStoreAsync() => Task.FromResult<IPainPointStore>(_database.Open());

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Latest_is_empty_before_the_summarizer_ever_ran()
    {
        Assert.Empty(await Store.LatestAsync(Ct));
    }
}

public sealed class SqliteDocumentScansTests : DocumentScansContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<ScanPorts> CreateStoreAsync() => Task.FromResult(ScanPorts.Of(_database.Open()));

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_scan_pages_through_more_documents_than_a_page()
    {
        var customer = StoreTestData.NewId();
        var transitions = Enumerable.Range(0, 1_234).Select(i => StoreTestData.Transition(customer + "-" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), Journey.Domain.Customers.Stage.Awareness, Journey.Domain.Customers.Stage.Consideration, StoreTestData.T0.AddMinutes(i))).ToList();
        await Ports.Transitions.UpsertAsync(transitions, CancellationToken.None);

        var scanned = await Ports.Scans.ScanTransitionsAsync(null, CancellationToken.None).Select(t => t.Id).ToListAsync();
        Assert.Equal(transitions.Select(t => t.Id).Order(StringComparer.Ordinal), scanned);
    }
}
