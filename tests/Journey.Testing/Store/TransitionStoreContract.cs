using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing.Store;

/// <summary>What every <see cref="ITransitionStore"/> adapter must do. Customer ids are unique per test.</summary>
public abstract class TransitionStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = StoreTestData.T0;
    private ITransitionStore? _store;

    protected ITransitionStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected abstract Task<ITransitionStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Upsert_then_List_returns_every_field()
    {
        var customer = StoreTestData.NewId();
        var transition = StoreTestData.Transition(customer, Stage.Awareness, Stage.Conversion, T0);
        StoreTestData.AssertEveryPropertySet(transition);

        await Store.UpsertAsync([transition], Ct);

        var stored = Assert.Single(await Store.ListAsync(customer, Ct));
        Assert.Equal(JourneyJson.Serialize(transition), JourneyJson.Serialize(stored));
    }

    [Fact]
    public async Task Upsert_of_the_same_ids_twice_keeps_one_document_per_id_with_the_latest_content()
    {
        var customer = StoreTestData.NewId();
        var first = new[]
        {
            StoreTestData.Transition(customer, Stage.None, Stage.Awareness, T0, rule: "first"),
            StoreTestData.Transition(customer, Stage.Awareness, Stage.Consideration, T0.AddHours(1), rule: "first"),
            StoreTestData.Transition(customer, Stage.Consideration, Stage.Conversion, T0.AddHours(2), rule: "first"),
        };
        var replay = first.Select(t => t with { Rule = "replayed" }).ToArray();

        await Store.UpsertAsync(first, Ct);
        await Store.UpsertAsync(replay, Ct);

        var stored = await Store.ListAsync(customer, Ct);
        Assert.Equal(3, stored.Count);
        Assert.All(stored, t => Assert.Equal("replayed", t.Rule));
    }

    [Fact]
    public async Task Upsert_of_a_moved_transition_updates_its_time_and_order()
    {
        var customer = StoreTestData.NewId();
        await Store.UpsertAsync(
        [
            StoreTestData.Transition(customer, Stage.None, Stage.Awareness, T0.AddHours(1)),
            StoreTestData.Transition(customer, Stage.Awareness, Stage.Consideration, T0.AddHours(2)),
        ], Ct);

        // A late event: the customer reached Consideration earlier than recorded.
        await Store.UpsertAsync([StoreTestData.Transition(customer, Stage.Awareness, Stage.Consideration, T0)], Ct);

        var stored = await Store.ListAsync(customer, Ct);
        Assert.Equal([Stage.Consideration, Stage.Awareness], stored.Select(t => t.To));
    }

    [Fact]
    public async Task List_returns_only_that_customers_transitions_ordered_by_event_time()
    {
        var customer = StoreTestData.NewId();
        var other = StoreTestData.NewId();
        var utc = T0.ToUniversalTime();
        // Offsets differ, so the order of the times as written differs from their order in time.
        var awareness = StoreTestData.Transition(customer, Stage.None, Stage.Awareness, utc.ToOffset(TimeSpan.FromHours(9)));
        var consideration = StoreTestData.Transition(customer, Stage.Awareness, Stage.Consideration, utc.AddMinutes(30).ToOffset(TimeSpan.FromHours(-8)));
        var conversion = StoreTestData.Transition(customer, Stage.Consideration, Stage.Conversion, utc.AddMinutes(31));
        var advocacy = StoreTestData.Transition(customer, Stage.Conversion, Stage.Advocacy, utc.AddDays(3).AddTicks(1).ToOffset(TimeSpan.FromHours(5.5)));

        await Store.UpsertAsync([conversion, advocacy, awareness], Ct);
        await Store.UpsertAsync([StoreTestData.Transition(other, Stage.None, Stage.Awareness, T0.AddMinutes(-5))], Ct);
        await Store.UpsertAsync([consideration], Ct);

        var stored = await Store.ListAsync(customer, Ct);

        Assert.Equal([Stage.Awareness, Stage.Consideration, Stage.Conversion, Stage.Advocacy], stored.Select(t => t.To));
        Assert.All(stored, t => Assert.Equal(customer, t.CustomerId));
        Assert.Equal(awareness.At, stored[0].At);
        Assert.Equal(awareness.At.Offset, stored[0].At.Offset);
    }

    [Fact]
    public async Task List_of_a_customer_without_transitions_is_empty()
    {
        Assert.Empty(await Store.ListAsync(StoreTestData.NewId("none"), Ct));
    }

    [Fact]
    public async Task Upsert_of_nothing_does_nothing()
    {
        await Store.UpsertAsync([], Ct);
    }

    [Fact]
    public async Task DeleteAll_removes_every_transition_of_the_customer_and_no_other()
    {
        var customer = StoreTestData.NewId();
        var other = StoreTestData.NewId();
        await Store.UpsertAsync(
        [
            StoreTestData.Transition(customer, Stage.None, Stage.Awareness, T0),
            StoreTestData.Transition(customer, Stage.Awareness, Stage.Conversion, T0.AddDays(1)),
            StoreTestData.Transition(other, Stage.None, Stage.Awareness, T0),
        ], Ct);

        await Store.DeleteAllAsync(customer, Ct);
        await Store.DeleteAllAsync(StoreTestData.NewId("nobody"), Ct);

        Assert.Empty(await Store.ListAsync(customer, Ct));
        Assert.Single(await Store.ListAsync(other, Ct));
    }

    [Fact]
    public async Task Concurrent_upserts_of_many_customers_all_land()
    {
        var customers = Enumerable.Range(0, 50).Select(_ => StoreTestData.NewId()).ToList();

        await Task.WhenAll(customers.Select(c => Task.Run(() => Store.UpsertAsync(
        [
            StoreTestData.Transition(c, Stage.None, Stage.Awareness, T0),
            StoreTestData.Transition(c, Stage.Awareness, Stage.Consideration, T0.AddHours(1)),
        ], Ct))));

        foreach (var c in customers) Assert.Equal(2, (await Store.ListAsync(c, Ct)).Count);
    }
}
