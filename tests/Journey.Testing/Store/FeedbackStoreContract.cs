using Journey.Domain.Feedback;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing.Store;

/// <summary>
/// What every <see cref="IFeedbackStore"/> adapter must do. Each test's items belong to a customer of its
/// own and reads are filtered to that customer, so the store may be shared with other tests.
/// </summary>
public abstract class FeedbackStoreContract : IAsyncLifetime
{
    private IFeedbackStore? _store;

    protected IFeedbackStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected abstract Task<IFeedbackStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>An item with every property set; <paramref name="time"/> defaults to <see cref="StoreTestData.T0"/> (a non-UTC offset).</summary>
    public static FeedbackItem Item(string customerId, string messageId, DateTimeOffset? time = null, string text = "The zipper broke after two washes — zu klein, 小さすぎる", FeedbackEmbedding? embedding = null)
    {
        var at = time ?? StoreTestData.T0;
        return new FeedbackItem
        {
            Id = FeedbackItem.IdFor(messageId, "review_body"),
            Type = "feedback",
            Period = FeedbackItem.PeriodOf(at),
            Kind = FeedbackKinds.Review,
            CustomerId = customerId,
            MessageId = messageId,
            Field = "review_body",
            Time = at,
            Stage = "Conversion",
            ProductId = "sku-1",
            Category = "Dresses",
            Channel = "paid_search",
            Rating = 2,
            Score = 7,
            ScoreScale = 10,
            Text = text,
            Title = "Not as pictured",
            TextHash = FeedbackExtractor.HashOf("Not as pictured", text),
            Embedding = embedding,
        };
    }

    private static FeedbackEmbedding Embedding(string model, int dimensions, int seed)
    {
        var random = new Random(seed);
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++) vector[i] = (float)(random.NextDouble() * 2 - 1);
        vector[0] = float.Epsilon; // the smallest subnormal: lost by a lossy encoding
        vector[1] = -0.1f;
        return new FeedbackEmbedding(model, vector);
    }

    private async Task<List<FeedbackItem>> ListAsync(string customerId, DateTimeOffset since, DateTimeOffset until)
    {
        var items = new List<FeedbackItem>();
        await foreach (var item in Store.ListAsync(since, until, Ct))
        {
            if (item.CustomerId == customerId) items.Add(item);
        }
        return items;
    }

    private static void AssertSameItem(FeedbackItem expected, FeedbackItem actual)
    {
        var (embeddingExpected, embeddingActual) = (expected.Embedding, actual.Embedding);
        Assert.Equal(JourneyJson.Serialize(Without(expected)), JourneyJson.Serialize(Without(actual)));
        if (embeddingExpected is null)
        {
            Assert.Null(embeddingActual);
        }
        else
        {
            Assert.NotNull(embeddingActual);
            Assert.Equal(embeddingExpected.Model, embeddingActual.Model);
            Assert.Equal(embeddingExpected.Vector, embeddingActual.Vector);
        }
    }

    private static FeedbackItem Without(FeedbackItem item)
    {
        var copy = JourneyJson.Deserialize<FeedbackItem>(JourneyJson.Serialize(item));
        copy.Embedding = null;
        return copy;
    }

    [Fact]
    public async Task Add_then_List_returns_every_field()
    {
        var customer = StoreTestData.NewId();
        var item = Item(customer, StoreTestData.NewId("m"), embedding: Embedding("minilm", 8, 1));
        StoreTestData.AssertEveryPropertySet(item);

        await Store.AddAsync([item], Ct);

        var listed = Assert.Single(await ListAsync(customer, item.Time.AddDays(-1), item.Time.AddDays(1)));
        AssertSameItem(item, listed);
    }

    [Fact]
    public async Task Add_of_an_id_already_stored_keeps_the_stored_item_and_its_embedding()
    {
        var customer = StoreTestData.NewId();
        var message = StoreTestData.NewId("m");
        var first = Item(customer, message, text: "first");
        await Store.AddAsync([first], Ct);
        first.Embedding = Embedding("minilm", 4, 2);
        await Store.SetEmbeddingsAsync([first], Ct);

        await Store.AddAsync([Item(customer, message, text: "second"), Item(customer, message, text: "third")], Ct);

        var listed = Assert.Single(await ListAsync(customer, first.Time.AddDays(-1), first.Time.AddDays(1)));
        Assert.Equal("first", listed.Text);
        Assert.Equal(first.Embedding.Vector, listed.Embedding!.Vector);
    }

    [Fact]
    public async Task Add_of_nothing_does_nothing()
    {
        await Store.AddAsync([], Ct);
        await Store.SetEmbeddingsAsync([], Ct);
    }

    [Fact]
    public async Task List_returns_since_inclusive_until_exclusive_across_months_ordered_by_time_then_id()
    {
        var customer = StoreTestData.NewId();
        var since = new DateTimeOffset(2026, 1, 31, 22, 0, 0, TimeSpan.Zero);
        var before = Item(customer, "a-" + StoreTestData.NewId("m"), since.AddTicks(-1));
        var atSince = Item(customer, "b-" + StoreTestData.NewId("m"), since);
        // The same instant written with another offset (its text sorts elsewhere), and an id after the first.
        var sameInstant = Item(customer, "c-" + StoreTestData.NewId("m"), since.ToOffset(TimeSpan.FromHours(5)));
        // February in its own offset, January in UTC: the period is the UTC month.
        var localFebruary = Item(customer, "a-" + StoreTestData.NewId("m"), new DateTimeOffset(2026, 2, 1, 0, 30, 0, TimeSpan.FromHours(2)));
        var march = Item(customer, "d-" + StoreTestData.NewId("m"), new DateTimeOffset(2026, 3, 15, 8, 0, 0, TimeSpan.Zero));
        var atUntil = Item(customer, "e-" + StoreTestData.NewId("m"), new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal("2026-01", localFebruary.Period);
        await Store.AddAsync([atUntil, march, localFebruary, sameInstant, atSince, before], Ct);

        Assert.Equal([atSince.Id, sameInstant.Id, localFebruary.Id, march.Id], (await ListAsync(customer, since, atUntil.Time)).Select(i => i.Id));
        Assert.Equal([before.Id, atSince.Id, sameInstant.Id], (await ListAsync(customer, since.AddTicks(-1), since.AddTicks(1))).Select(i => i.Id));
        Assert.Empty(await ListAsync(customer, atUntil.Time, atUntil.Time));
        Assert.Empty(await ListAsync(customer, march.Time, since));
        // A range of many years (a store may read it otherwise than month by month).
        Assert.Equal([before.Id, atSince.Id, sameInstant.Id, localFebruary.Id, march.Id, atUntil.Id],
            (await ListAsync(customer, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero))).Select(i => i.Id));
    }

    [Fact]
    public async Task List_pages_through_many_items_in_order()
    {
        var customer = StoreTestData.NewId();
        var t = new DateTimeOffset(2026, 5, 10, 0, 0, 0, TimeSpan.Zero);
        var items = Enumerable.Range(0, 1234).Select(i => Item(customer, $"m{i:D5}-{customer}", t.AddSeconds(i / 3))).ToList();
        await Store.AddAsync(items, Ct);

        var listed = await ListAsync(customer, t, t.AddDays(1));

        Assert.Equal(items.Select(i => i.Id), listed.Select(i => i.Id));
    }

    [Fact]
    public async Task SetEmbeddings_stores_each_vector_exactly_replaces_an_older_one_and_skips_missing_items()
    {
        var customer = StoreTestData.NewId();
        var a = Item(customer, StoreTestData.NewId("m"));
        var b = Item(customer, StoreTestData.NewId("m"), StoreTestData.T0.AddMinutes(1));
        var missing = Item(customer, StoreTestData.NewId("m"));
        await Store.AddAsync([a, b], Ct);

        a.Embedding = Embedding("tfidf", 384, 3);
        missing.Embedding = Embedding("tfidf", 384, 4);
        await Store.SetEmbeddingsAsync([a, b, missing], Ct); // b has none: left as it is
        var embedded = await ListAsync(customer, StoreTestData.T0, StoreTestData.T0.AddHours(1));
        Assert.Equal([a.Id, b.Id], embedded.Select(i => i.Id));
        AssertSameItem(a, embedded[0]);
        Assert.Null(embedded[1].Embedding);

        a.Embedding = Embedding("openai", 3, 5);
        await Store.SetEmbeddingsAsync([a], Ct);
        var again = await ListAsync(customer, StoreTestData.T0, StoreTestData.T0.AddHours(1));
        Assert.Equal("openai", again[0].Embedding!.Model);
        Assert.Equal(a.Embedding.Vector, again[0].Embedding!.Vector);
        Assert.Equal(2, again.Count);
    }
}
