using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing.Store;

/// <summary>
/// What every <see cref="IPredictionStore"/> adapter must do, together with the customer store it
/// patches: the patch sets <c>predictions</c> only, and the processor's replaces never undo it.
/// </summary>
public abstract class PredictionStoreContract : IAsyncLifetime
{
    private (ICustomerStore Customers, IPredictionStore Predictions)? _store;

    protected ICustomerStore Customers => (_store ?? throw new InvalidOperationException("The store is created in InitializeAsync.")).Customers;

    protected IPredictionStore Predictions => (_store ?? throw new InvalidOperationException("The store is created in InitializeAsync.")).Predictions;

    /// <summary>One store implementing both ports.</summary>
    protected abstract Task<(ICustomerStore Customers, IPredictionStore Predictions)> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    private static CancellationToken Ct => CancellationToken.None;

    public static Predictions Sample(double clv = 123.45) => new()
    {
        ProbabilityAlive = 0.8125,
        ExpectedPurchases30 = 0.25,
        ExpectedPurchases90 = 0.5,
        ExpectedPurchases365 = 1.75,
        ExpectedOrderValue = 42.5,
        PredictedClv = clv,
        HistoricalClv = 85,
        RfmSegment = "champions",
        AsOf = "2026-03-02",
    };

    [Fact]
    public async Task Patch_sets_the_predictions_and_leaves_the_rest_of_the_document()
    {
        var id = StoreTestData.NewId();
        var doc = StoreTestData.Customer(id, Stage.Conversion, orders: 2, revenue: 85);
        await Customers.CreateAsync(doc, Ct);
        StoreTestData.AssertEveryPropertySet(Sample());

        await Predictions.PatchPredictionsAsync([new PredictionUpdate(id, Sample())], Ct);

        var stored = (await Customers.GetAsync(id, Ct))!.Document;
        Assert.Equal(JourneyJson.Serialize(Sample()), JourneyJson.Serialize(stored.Predictions));
        stored.Predictions = null;
        Assert.Equal(JourneyJson.Serialize(doc), JourneyJson.Serialize(stored));
    }

    [Fact]
    public async Task A_lifecycle_patch_sets_the_status_and_leaves_the_predictions_and_the_last_activity()
    {
        var id = StoreTestData.NewId();
        var doc = StoreTestData.Customer(id);
        await Customers.CreateAsync(doc, Ct);
        await Predictions.PatchPredictionsAsync([new PredictionUpdate(id, Sample())], Ct);

        await Predictions.PatchPredictionsAsync([new PredictionUpdate(id, null, new LifecycleStatus("at_risk", "2026-03-31"))], Ct);

        var stored = (await Customers.GetAsync(id, Ct))!.Document;
        Assert.Equal(("at_risk", "2026-03-31", doc.Lifecycle.LastSeen), (stored.Lifecycle.Status, stored.Lifecycle.Since, stored.Lifecycle.LastSeen));
        Assert.Equal(JourneyJson.Serialize(Sample()), JourneyJson.Serialize(stored.Predictions));
        var scanned = Assert.Single(await Customers.ScanProjectionsAsync(Ct).Where(c => c.Id == id).ToListAsync());
        Assert.Equal(("at_risk", "2026-03-31"), (scanned.Lifecycle.Status, scanned.Lifecycle.Since));
    }

    [Fact]
    public async Task A_predictions_patch_leaves_the_lifecycle_status_and_a_replace_of_the_read_document_keeps_both()
    {
        var id = StoreTestData.NewId();
        await Customers.CreateAsync(StoreTestData.Customer(id), Ct);
        await Predictions.PatchPredictionsAsync([new PredictionUpdate(id, null, new LifecycleStatus("lapsed", "2026-03-31"))], Ct);
        await Predictions.PatchPredictionsAsync([new PredictionUpdate(id, Sample(9))], Ct);

        // What the processor does: read, change, replace with the ETag it read.
        var read = (await Customers.GetAsync(id, Ct))!;
        read.Document.Lifecycle.LastSeen = read.Document.Lifecycle.LastSeen!.Value.AddDays(1);
        await Customers.ReplaceAsync(read.Document, read.ETag, Ct);

        var stored = (await Customers.GetAsync(id, Ct))!.Document;
        Assert.Equal(("lapsed", "2026-03-31", 9.0), (stored.Lifecycle.Status, stored.Lifecycle.Since, stored.Predictions!.PredictedClv));
    }

    [Fact]
    public async Task Patched_predictions_are_seen_by_the_scan()
    {
        var id = StoreTestData.NewId();
        await Customers.CreateAsync(StoreTestData.Customer(id), Ct);

        await Predictions.PatchPredictionsAsync([new PredictionUpdate(id, Sample(7))], Ct);

        var scanned = Assert.Single(await Customers.ScanProjectionsAsync(Ct).Where(c => c.Id == id).ToListAsync());
        Assert.Equal(7, scanned.Predictions!.PredictedClv);
    }

    [Fact]
    public async Task Patch_skips_customers_that_do_not_exist_and_applies_the_others()
    {
        var id = StoreTestData.NewId();
        var missing = StoreTestData.NewId();
        await Customers.CreateAsync(StoreTestData.Customer(id), Ct);

        await Predictions.PatchPredictionsAsync([new PredictionUpdate(missing, Sample(1)), new PredictionUpdate(id, Sample(2))], Ct);

        Assert.Equal(2, (await Customers.GetAsync(id, Ct))!.Document.Predictions!.PredictedClv);
        Assert.Null(await Customers.GetAsync(missing, Ct));
    }

    [Fact]
    public async Task A_replace_based_on_a_read_from_before_the_patch_does_not_undo_it()
    {
        var id = StoreTestData.NewId();
        await Customers.CreateAsync(StoreTestData.Customer(id), Ct);
        var before = (await Customers.GetAsync(id, Ct))!;

        await Predictions.PatchPredictionsAsync([new PredictionUpdate(id, Sample(9))], Ct);
        before.Document.Orders.Count = 5;
        try
        {
            await Customers.ReplaceAsync(before.Document, before.ETag, Ct);
        }
        catch (ConcurrencyConflictException)
        {
            // Cosmos DB: the patch made a new ETag; the processor re-reads (with the predictions) and retries.
        }

        Assert.Equal(9, (await Customers.GetAsync(id, Ct))!.Document.Predictions!.PredictedClv);
    }

    [Fact]
    public async Task A_second_patch_overwrites_the_first()
    {
        var id = StoreTestData.NewId();
        await Customers.CreateAsync(StoreTestData.Customer(id), Ct);

        await Predictions.PatchPredictionsAsync([new PredictionUpdate(id, Sample(1))], Ct);
        await Predictions.PatchPredictionsAsync([new PredictionUpdate(id, Sample(2))], Ct);

        Assert.Equal(2, (await Customers.GetAsync(id, Ct))!.Document.Predictions!.PredictedClv);
    }
}
