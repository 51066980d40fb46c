using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing.Store;

/// <summary>
/// What every <see cref="IDeadLetterStore"/> adapter must do. Partition names are unique per
/// test; a day may hold other tests' dead letters, so lists are filtered by partition.
/// </summary>
public abstract class DeadLetterStoreContract : IAsyncLifetime
{
    private IDeadLetterStore? _store;

    protected IDeadLetterStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected abstract Task<IDeadLetterStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    private static CancellationToken Ct => CancellationToken.None;

    private async Task<List<Journey.Domain.Customers.DeadLetterDocument>> ListAsync(string day, string partition) =>
        [.. (await Store.ListAsync(day, Ct)).Where(d => d.Partition == partition)];

    [Fact]
    public async Task Add_then_List_returns_every_field()
    {
        var partition = StoreTestData.NewId("p");
        var doc = StoreTestData.DeadLetter(partition, 7, "2026-03-02");
        StoreTestData.AssertEveryPropertySet(doc);

        await Store.AddAsync(doc, Ct);

        var stored = Assert.Single(await ListAsync("2026-03-02", partition));
        Assert.Equal(JourneyJson.Serialize(doc), JourneyJson.Serialize(stored));
    }

    [Fact]
    public async Task Add_twice_with_the_same_id_keeps_one_document_with_the_latest_content()
    {
        var partition = StoreTestData.NewId("p");

        await Store.AddAsync(StoreTestData.DeadLetter(partition, 7, "2026-03-02", reason: "first"), Ct);
        await Store.AddAsync(StoreTestData.DeadLetter(partition, 7, "2026-03-02", reason: "replayed"), Ct);

        var stored = Assert.Single(await ListAsync("2026-03-02", partition));
        Assert.Equal("replayed", stored.Reason);
    }

    [Fact]
    public async Task List_returns_the_dead_letters_of_that_day_only()
    {
        var partition = StoreTestData.NewId("p");
        await Store.AddAsync(StoreTestData.DeadLetter(partition, 1, "2026-03-01"), Ct);
        await Store.AddAsync(StoreTestData.DeadLetter(partition, 2, "2026-03-02"), Ct);
        await Store.AddAsync(StoreTestData.DeadLetter(partition, 3, "2026-03-02"), Ct);
        await Store.AddAsync(StoreTestData.DeadLetter(partition, 4, "2026-03-03"), Ct);

        var day = await ListAsync("2026-03-02", partition);

        Assert.Equal([2L, 3L], day.Select(d => d.SequenceNumber).Order());
        Assert.Empty(await ListAsync("2026-02-28", partition));
    }
}
