using Journey.Domain.Ports;
using Journey.Testing;
using Journey.Testing.Store;

namespace Journey.Application.Tests.Store;

// The store contracts, run against the in-memory stores the application's tests use: a fake that
// behaves unlike the real adapters would make those tests prove nothing.

public sealed class InMemoryCustomerStoreTests : CustomerStoreContract
{
    protected override Task<ICustomerStore> CreateStoreAsync() => Task.FromResult<ICustomerStore>(new InMemoryJourneyStore());
}

public sealed class InMemoryTransitionStoreTests : TransitionStoreContract
{
    protected override Task<ITransitionStore> CreateStoreAsync() => Task.FromResult<ITransitionStore>(new InMemoryJourneyStore());
}

public sealed class InMemoryDeadLetterStoreTests : DeadLetterStoreContract
{
    protected override Task<IDeadLetterStore> CreateStoreAsync() => Task.FromResult<IDeadLetterStore>(new InMemoryJourneyStore());
}

public sealed class InMemoryMetricsStoreTests : MetricsStoreContract
{
    protected override Task<IMetricsStore> CreateStoreAsync() => Task.FromResult<IMetricsStore>(new InMemoryMetricsStore());
}

public sealed class InMemoryPredictionStoreTests : PredictionStoreContract
{
    protected override Task<(ICustomerStore Customers, IPredictionStore Predictions)> CreateStoreAsync()
    {
        var store = new InMemoryJourneyStore();
        return Task.FromResult<(ICustomerStore, IPredictionStore)>((store, new InMemoryPredictionStore(store)));
    }
}

public sealed class InMemoryFeedbackStoreTests : FeedbackStoreContract
{
    protected override Task<IFeedbackStore> CreateStoreAsync() => Task.FromResult<IFeedbackStore>(new InMemoryFeedbackStore());
}

public sealed class InMemoryPainPointStoreTests : PainPointStoreContract
{
    protected override Task<IPainPointStore> CreateStoreAsync() => Task.FromResult<IPainPointStore>(new InMemoryPainPointStore());

    [Fact]
    public async Task Latest_is_empty_before_the_summarizer_ever_ran()
    {
        Assert.Empty(await Store.LatestAsync(Ct));
    }
}

public sealed class InMemoryActionStoreTests : ActionStoreContract
{
    protected override Task<IActionStore> CreateStoreAsync() => Task.FromResult<IActionStore>(new InMemoryActionStore());
}

public sealed class InMemoryErasureTests : ErasureContract
{
    private readonly InMemoryJourneyStore _journey = new();
    private readonly InMemoryFeedbackStore _feedback = new();
    private readonly InMemoryPainPointStore _painPoints = new();
    private readonly InMemoryActionStore _actions = new();
    private readonly InMemorySuppressionStore _suppressions = new();
    private readonly InMemoryMetricsStore _metrics = new();

    protected override Task<Stores> CreateStoresAsync() => Task.FromResult(new Stores(
        _journey, _journey, _journey, _feedback, _painPoints, _actions, new InMemoryPredictionStore(_journey),
        new InMemoryPersonalDataStore(_journey, _feedback, _painPoints), _suppressions, _metrics));

    protected override async Task<IReadOnlyList<(string Container, string Text)>> ScanAsync()
    {
        var items = new List<(string, string)>();
        foreach (var id in _journey.CustomerIds)
            items.Add(("customers", Journey.Domain.Serialization.JourneyJson.Serialize((await _journey.GetAsync(id, CancellationToken.None))!.Document)));
        items.AddRange(_journey.TransitionJson.Select(t => ("transitions", t)));
        items.AddRange(_journey.DeadLetters.Select(d => ("deadletter", Journey.Domain.Serialization.JourneyJson.Serialize(d))));
        items.AddRange(_feedback.All().Select(f => ("feedback", Journey.Domain.Serialization.JourneyJson.Serialize(f))));
        items.AddRange(_painPoints.All().Select(p => ("painpoints", Journey.Domain.Serialization.JourneyJson.Serialize(p))));
        items.AddRange((await _actions.ListAsync(null, null, null, int.MaxValue, CancellationToken.None)).Select(a => ("actions", Journey.Domain.Serialization.JourneyJson.Serialize(a))));
        items.AddRange(_suppressions.Entries.Select(e => ("suppressions", $"{e.Hash} {e.Kind} {e.At:O}")));
        items.AddRange((await _metrics.ListSeriesAsync(Journey.Domain.Metrics.MetricKinds.Clv, "0001-01-01", "9999-12-31", CancellationToken.None)).Select(m => ("metrics", Journey.Domain.Serialization.JourneyJson.Serialize(m))));
        return items;
    }
}
