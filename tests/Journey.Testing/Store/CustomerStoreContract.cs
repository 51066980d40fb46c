using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing.Store;

/// <summary>
/// What every <see cref="ICustomerStore"/> adapter must do, with Cosmos DB's ETag semantics.
/// An adapter's test class derives from this and supplies the store; ids are unique per test,
/// so the store may be shared with other tests.
/// </summary>
public abstract class CustomerStoreContract : IAsyncLifetime
{
    private ICustomerStore? _store;

    protected ICustomerStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>A store for one test (a fresh or shared container).</summary>
    protected abstract Task<ICustomerStore> CreateStoreAsync();

    /// <summary>Releases what <see cref="CreateStoreAsync"/> made.</summary>
    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public void PopulatedCustomer_sets_every_property_so_the_round_trip_covers_them()
    {
        StoreTestData.AssertEveryPropertySet(StoreTestData.PopulatedCustomer("x"));
    }

    [Fact]
    public async Task Create_then_Get_returns_every_field_and_the_same_ETag()
    {
        var doc = StoreTestData.PopulatedCustomer(StoreTestData.NewId());

        var etag = await Store.CreateAsync(doc, Ct);
        var stored = await Store.GetAsync(doc.Id, Ct);

        Assert.NotNull(stored);
        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal(etag, stored.ETag);
        Assert.Equal(JourneyJson.Serialize(doc), JourneyJson.Serialize(stored.Document));
    }

    [Fact]
    public async Task IsCurrent_is_true_for_the_ETag_of_the_last_write_and_false_once_it_was_written_again_or_deleted()
    {
        var id = StoreTestData.NewId();
        var first = await Store.CreateAsync(StoreTestData.Customer(id), Ct);
        Assert.True(await Store.IsCurrentAsync(id, first, Ct));

        var second = await Store.ReplaceAsync(StoreTestData.Customer(id, sessions: 2), first, Ct);
        Assert.False(await Store.IsCurrentAsync(id, first, Ct));
        Assert.True(await Store.IsCurrentAsync(id, second, Ct));

        await Store.DeleteAsync(id, Ct);
        Assert.False(await Store.IsCurrentAsync(id, second, Ct));
        Assert.False(await Store.IsCurrentAsync(StoreTestData.NewId("missing"), second, Ct));
    }

    [Fact]
    public async Task Get_of_a_missing_id_returns_null()
    {
        Assert.Null(await Store.GetAsync(StoreTestData.NewId("missing"), Ct));
    }

    [Fact]
    public async Task Create_of_an_existing_id_throws_a_conflict_and_keeps_the_first_document()
    {
        var id = StoreTestData.NewId();
        var etag = await Store.CreateAsync(StoreTestData.Customer(id, Stage.Awareness), Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.CreateAsync(StoreTestData.Customer(id, Stage.Conversion), Ct));

        var stored = await Store.GetAsync(id, Ct);
        Assert.Equal(etag, stored!.ETag);
        Assert.Equal(Stage.Awareness, stored.Document.Stage);
    }

    [Fact]
    public async Task Replace_with_the_current_ETag_stores_the_document_under_a_new_ETag()
    {
        var id = StoreTestData.NewId();
        var first = await Store.CreateAsync(StoreTestData.Customer(id, Stage.Awareness), Ct);
        var replacement = StoreTestData.PopulatedCustomer(id);

        var second = await Store.ReplaceAsync(replacement, first, Ct);

        Assert.NotEqual(first, second);
        var stored = await Store.GetAsync(id, Ct);
        Assert.Equal(second, stored!.ETag);
        Assert.Equal(JourneyJson.Serialize(replacement), JourneyJson.Serialize(stored.Document));
    }

    [Fact]
    public async Task Replace_with_a_stale_ETag_throws_a_conflict_and_changes_nothing()
    {
        var id = StoreTestData.NewId();
        var first = await Store.CreateAsync(StoreTestData.Customer(id, Stage.Awareness), Ct);
        var second = await Store.ReplaceAsync(StoreTestData.Customer(id, Stage.Consideration), first, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.ReplaceAsync(StoreTestData.Customer(id, Stage.Conversion), first, Ct));

        var stored = await Store.GetAsync(id, Ct);
        Assert.Equal(second, stored!.ETag);
        Assert.Equal(Stage.Consideration, stored.Document.Stage);
    }

    [Fact]
    public async Task Replace_of_a_missing_document_throws_a_conflict_and_creates_nothing()
    {
        var id = StoreTestData.NewId("missing");

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.ReplaceAsync(StoreTestData.Customer(id), "\"no-such-etag\"", Ct));

        Assert.Null(await Store.GetAsync(id, Ct));
    }

    [Fact]
    public async Task Delete_removes_the_document_and_reports_whether_it_existed()
    {
        var id = StoreTestData.NewId();
        var etag = await Store.CreateAsync(StoreTestData.Customer(id), Ct);

        Assert.True(await Store.DeleteAsync(id, Ct));
        Assert.Null(await Store.GetAsync(id, Ct));
        Assert.False(await Store.DeleteAsync(id, Ct));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.ReplaceAsync(StoreTestData.Customer(id), etag, Ct));
    }

    [Fact]
    public async Task A_document_created_again_after_delete_never_matches_an_old_ETag()
    {
        var id = StoreTestData.NewId();
        var old = await Store.CreateAsync(StoreTestData.Customer(id), Ct);
        await Store.DeleteAsync(id, Ct);

        var recreated = await Store.CreateAsync(StoreTestData.Customer(id), Ct);

        Assert.NotEqual(old, recreated);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.ReplaceAsync(StoreTestData.Customer(id), old, Ct));
    }

    [Fact]
    public async Task Scan_returns_every_document_exactly_once()
    {
        const int count = 2_500;
        var prefix = StoreTestData.NewId("scan") + "-";
        var ids = Enumerable.Range(0, count).Select(i => prefix + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var chunk in ids.Chunk(100))
            await Task.WhenAll(chunk.Select(id => Store.CreateAsync(StoreTestData.Customer(id), Ct)));

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var doc in Store.ScanProjectionsAsync(Ct))
        {
            if (doc.Id.StartsWith(prefix, StringComparison.Ordinal)) seen[doc.Id] = seen.GetValueOrDefault(doc.Id) + 1;
        }

        Assert.Equal(count, seen.Count);
        Assert.All(seen, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Scan_sees_documents_replaced_while_it_runs_once()
    {
        var prefix = StoreTestData.NewId("scanw") + "-";
        var etags = new Dictionary<string, string>();
        for (var i = 0; i < 600; i++)
        {
            var id = prefix + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
            etags[id] = await Store.CreateAsync(StoreTestData.Customer(id), Ct);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var doc in Store.ScanProjectionsAsync(Ct))
        {
            if (!doc.Id.StartsWith(prefix, StringComparison.Ordinal)) continue;
            Assert.True(seen.Add(doc.Id), $"{doc.Id} was returned twice");
            // What a daily job does: write back each document while scanning.
            doc.UpdatedAt = doc.UpdatedAt.AddSeconds(1);
            etags[doc.Id] = await Store.ReplaceAsync(doc, etags[doc.Id], Ct);
        }

        Assert.Equal(600, seen.Count);
    }

    [Fact]
    public async Task Concurrent_replaces_with_the_same_ETag_let_exactly_one_win()
    {
        const int writers = 32;
        var id = StoreTestData.NewId();
        var etag = await Store.CreateAsync(StoreTestData.Customer(id, sessions: 0), Ct);
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(1, writers).Select(n => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                return (Sessions: n, ETag: (string?)await Store.ReplaceAsync(StoreTestData.Customer(id, sessions: n), etag, Ct));
            }
            catch (ConcurrencyConflictException)
            {
                return (Sessions: n, ETag: (string?)null);
            }
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, r => r.ETag is not null);
        var stored = await Store.GetAsync(id, Ct);
        Assert.Equal(winner.ETag, stored!.ETag);
        Assert.Equal(winner.Sessions, stored.Document.Sessions.Count);
    }

    [Fact]
    public async Task Concurrent_creates_of_one_id_let_exactly_one_win_while_other_ids_all_succeed()
    {
        var contested = StoreTestData.NewId("contested");
        var others = Enumerable.Range(0, 40).Select(_ => StoreTestData.NewId()).ToList();

        var contestedAttempts = Enumerable.Range(0, 40).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Store.CreateAsync(StoreTestData.Customer(contested), Ct);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        })).ToList();
        var otherCreates = others.Select(id => Task.Run(() => Store.CreateAsync(StoreTestData.Customer(id), Ct))).ToList();

        Assert.Single(await Task.WhenAll(contestedAttempts), won => won);
        await Task.WhenAll(otherCreates);
        foreach (var id in others) Assert.NotNull(await Store.GetAsync(id, Ct));
    }

    [Fact]
    public async Task A_cancelled_token_is_honoured_before_anything_is_written()
    {
        var id = StoreTestData.NewId();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.CreateAsync(StoreTestData.Customer(id), cts.Token));

        Assert.Null(await Store.GetAsync(id, Ct));
    }

    [Fact]
    public async Task ScanProjections_returns_every_field_but_the_processor_state()
    {
        var doc = StoreTestData.PopulatedCustomer(StoreTestData.NewId());
        await Store.CreateAsync(doc, Ct);

        var scanned = Assert.Single(await Store.ScanProjectionsAsync(Ct).Where(c => c.Id == doc.Id).ToListAsync());

        Assert.Empty(scanned.Journey.Timeline);
        Assert.Null(scanned.PendingMerge);
        doc.Journey = new Journey.Domain.Customers.JourneyState();
        doc.PendingMerge = null;
        Assert.Equal(JourneyJson.Serialize(doc), JourneyJson.Serialize(scanned));
    }
}
