using Journey.Domain.Actions;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing.Store;

/// <summary>
/// What every <see cref="IActionStore"/> adapter must do. Each test's actions belong to customers of
/// its own and have an action type of its own, and reads are filtered to them, so the store may be
/// shared with other tests.
/// </summary>
public abstract class ActionStoreContract : IAsyncLifetime
{
    private IActionStore? _store;

    protected IActionStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected abstract Task<IActionStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>Far in the past, so other tests' actions sharing the store are due long after these.</summary>
    private static readonly DateTimeOffset Base = new(2001, 1, 1, 0, 0, 0, TimeSpan.FromHours(2));

    /// <summary>An action with every property set; times keep a non-UTC offset.</summary>
    public static ActionDocument Sample(string customerId = "c-1", string actionType = ActionTypes.OrderCancelled, string key = "o-1", DateTimeOffset? createdAt = null, DateTimeOffset? dueAt = null)
    {
        var created = createdAt ?? StoreTestData.T0;
        return new ActionDocument
        {
            Id = ActionDocument.IdFor(actionType, customerId, key),
            ActionType = actionType,
            CustomerId = customerId,
            Trigger = new ActionTrigger
            {
                Key = key,
                At = created.AddMinutes(-1),
                MessageId = "m-" + key,
                OrderId = key,
                Revenue = 59.90m,
                Reason = "too small — zu klein",
                FromStage = "Conversion",
                ToStage = "Retention",
                Items = [new ActionItem("sku-1", "Dress", 29.95m, 2)],
            },
            Customer = new ActionCustomer
            {
                Id = customerId,
                UserId = "u-" + customerId,
                AnonymousIds = ["a-1", "a-2"],
                Email = "ann@example.com",
                FirstName = "Ann",
                Stage = "Retention",
                Channel = "email",
                PredictedClv = 123.5,
                ProbabilityAlive = 0.75,
                EmailOpens = 3,
                EmailClicks = 1,
                RespondsTo = ["email", "paid_search"],
                EmailOptOut = false,
            },
            CreatedAt = created,
            DueAt = dueAt ?? created,
            Status = ActionStatuses.Pending,
            Holdout = false,
            Attempts = 1,
            NextAttemptAt = null,
            LastError = "webhook: HTTP 500",
            Deliveries = new Dictionary<string, DestinationDelivery>(StringComparer.Ordinal)
            {
                ["webhook"] = new() { Status = ActionStatuses.Pending, Attempts = 1, LastError = "HTTP 500" },
                ["email"] = new() { Status = ActionStatuses.Sent, Attempts = 1, DeliveredAt = created.AddSeconds(2) },
            },
        };
    }

    private static string NewType() => "test." + Guid.NewGuid().ToString("N");

    private async Task<List<Versioned<ActionDocument>>> DueOfAsync(string customerId, DateTimeOffset now, int max = 100_000) =>
        [.. (await Store.DueAsync(now, max, Ct)).Where(v => v.Document.CustomerId == customerId)];

    [Fact]
    public async Task Add_stores_new_actions_round_trips_every_field_and_a_replay_adds_nothing()
    {
        var customer = StoreTestData.NewId();
        var a = Sample(customer, key: "o-1");
        var b = Sample(customer, key: "o-2", createdAt: StoreTestData.T0.AddMinutes(1));

        var added = await Store.AddAsync([a, b], Ct);
        var replayed = await Store.AddAsync([Sample(customer, key: "o-2"), a], Ct);
        var partly = await Store.AddAsync([a, Sample(customer, key: "o-3", createdAt: StoreTestData.T0.AddMinutes(2))], Ct);

        Assert.Equal([a.Id, b.Id], added.Select(x => x.Id));
        Assert.Empty(replayed);
        Assert.Equal([Sample(customer, key: "o-3").Id], partly.Select(x => x.Id));
        var stored = await Store.ListByCustomerAsync(customer, Ct);
        Assert.Equal(3, stored.Count);
        Assert.Equal(JourneyJson.Serialize(a), JourneyJson.Serialize(stored[0]));
        Assert.Equal(StoreTestData.T0.Offset, stored[0].CreatedAt.Offset);
        Assert.Empty(await Store.AddAsync([], Ct));
    }

    [Fact]
    public async Task Due_returns_pending_actions_due_by_now_oldest_first_with_their_ETags()
    {
        var customer = StoreTestData.NewId();
        var now = Base.AddDays(10);
        var oldest = Sample(customer, key: "o-1", dueAt: now.AddHours(-3));
        var dueNow = Sample(customer, key: "o-2", dueAt: now.ToOffset(TimeSpan.FromHours(-5)));
        var later = Sample(customer, key: "o-3", dueAt: now.AddTicks(1));
        var retryLater = Sample(customer, key: "o-4", dueAt: now.AddHours(-2));
        retryLater.NextAttemptAt = now.AddSeconds(10);
        var retryNow = Sample(customer, key: "o-5", dueAt: now.AddHours(-1));
        retryNow.NextAttemptAt = now.AddMinutes(-1).ToOffset(TimeSpan.FromHours(9));
        var sent = Sample(customer, key: "o-6", dueAt: now.AddHours(-4));
        sent.Status = ActionStatuses.Sent;
        var heldOut = Sample(customer, key: "o-7", dueAt: now.AddHours(-4));
        heldOut.Status = ActionStatuses.Holdout;
        await Store.AddAsync([later, retryNow, sent, dueNow, retryLater, heldOut, oldest], Ct);

        var due = await DueOfAsync(customer, now);

        Assert.Equal([oldest.Id, retryNow.Id, dueNow.Id], due.Select(v => v.Document.Id));
        Assert.All(due, v => Assert.False(string.IsNullOrEmpty(v.ETag)));
        Assert.Equal(JourneyJson.Serialize(retryNow), JourneyJson.Serialize(due[1].Document));
        Assert.Equal([oldest.Id, retryLater.Id, retryNow.Id, dueNow.Id, later.Id], (await DueOfAsync(customer, now.AddHours(1))).Select(v => v.Document.Id));
        Assert.Empty(await DueOfAsync(customer, now.AddHours(-3).AddTicks(-1)));
    }

    [Fact]
    public async Task Due_returns_at_most_max_actions()
    {
        var customer = StoreTestData.NewId();
        var due = Base.AddDays(-1000);
        await Store.AddAsync([.. Enumerable.Range(0, 5).Select(i => Sample(customer, key: $"o-{i}", dueAt: due.AddMinutes(i)))], Ct);

        var two = await Store.DueAsync(due.AddMinutes(10), 2, Ct);

        Assert.Equal(2, two.Count);
        // Nothing of other tests is due this early: the two are this test's oldest.
        Assert.Equal([Sample(customer, key: "o-0").Id, Sample(customer, key: "o-1").Id], two.Select(v => v.Document.Id));
    }

    [Fact]
    public async Task Replace_with_the_current_ETag_writes_and_a_stale_one_conflicts()
    {
        var customer = StoreTestData.NewId();
        var now = Base.AddDays(20);
        var action = Sample(customer, dueAt: now.AddMinutes(-1));
        await Store.AddAsync([action], Ct);
        var read = Assert.Single(await DueOfAsync(customer, now));

        var copy = read.Document;
        copy.Attempts = 2;
        copy.NextAttemptAt = now.AddSeconds(40);
        copy.Deliveries["webhook"].Attempts = 2;
        var etag = await Store.ReplaceAsync(copy, read.ETag, Ct);

        Assert.NotEqual(read.ETag, etag);
        Assert.Empty(await DueOfAsync(customer, now));
        var retried = Assert.Single(await DueOfAsync(customer, now.AddSeconds(40)));
        Assert.Equal(etag, retried.ETag);
        Assert.Equal(JourneyJson.Serialize(copy), JourneyJson.Serialize(retried.Document));

        copy.Status = ActionStatuses.Sent;
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.ReplaceAsync(copy, read.ETag, Ct));
        Assert.Equal(ActionStatuses.Pending, Assert.Single(await Store.ListByCustomerAsync(customer, Ct)).Status);

        copy.NextAttemptAt = null;
        await Store.ReplaceAsync(copy, etag, Ct);
        Assert.Empty(await DueOfAsync(customer, now.AddDays(1)));
        Assert.Equal(ActionStatuses.Sent, Assert.Single(await Store.ListByCustomerAsync(customer, Ct)).Status);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.ReplaceAsync(Sample(StoreTestData.NewId()), etag, Ct));
    }

    [Fact]
    public async Task List_by_customer_is_ordered_by_creation_time_and_holds_only_that_customer()
    {
        var customer = StoreTestData.NewId();
        var other = StoreTestData.NewId();
        var second = Sample(customer, key: "o-2", createdAt: StoreTestData.T0.AddHours(1).ToOffset(TimeSpan.FromHours(-8)));
        var first = Sample(customer, key: "o-1", createdAt: StoreTestData.T0);
        await Store.AddAsync([second, Sample(other), first], Ct);

        Assert.Equal([first.Id, second.Id], (await Store.ListByCustomerAsync(customer, Ct)).Select(a => a.Id));
        Assert.Empty(await Store.ListByCustomerAsync(StoreTestData.NewId(), Ct));
    }

    [Fact]
    public async Task List_filters_by_type_status_and_creation_time_newest_first()
    {
        var type = NewType();
        var otherType = NewType();
        var customer = StoreTestData.NewId();
        var t = StoreTestData.T0;
        var a = Sample(customer, type, "o-1", createdAt: t);
        var b = Sample(customer, type, "o-2", createdAt: t.AddHours(1).ToOffset(TimeSpan.Zero));
        var c = Sample(customer, type, "o-3", createdAt: t.AddHours(2));
        c.Status = ActionStatuses.Failed;
        var d = Sample(customer, otherType, "o-4", createdAt: t.AddHours(3));
        await Store.AddAsync([a, b, c, d], Ct);

        Assert.Equal([c.Id, b.Id, a.Id], (await Store.ListAsync(type, null, null, 100, Ct)).Select(x => x.Id));
        Assert.Equal([b.Id, a.Id], (await Store.ListAsync(type, ActionStatuses.Pending, null, 100, Ct)).Select(x => x.Id));
        Assert.Equal([c.Id], (await Store.ListAsync(type, ActionStatuses.Failed, null, 100, Ct)).Select(x => x.Id));
        Assert.Equal([c.Id, b.Id], (await Store.ListAsync(type, null, t.AddHours(1).ToOffset(TimeSpan.FromHours(5)), 100, Ct)).Select(x => x.Id));
        Assert.Equal([c.Id, b.Id], (await Store.ListAsync(type, null, null, 2, Ct)).Select(x => x.Id));
        Assert.Equal([d.Id], (await Store.ListAsync(otherType, null, null, 100, Ct)).Select(x => x.Id));
        var byStatus = await Store.ListAsync(null, ActionStatuses.Failed, null, 100_000, Ct);
        Assert.Contains(byStatus, x => x.Id == c.Id);
        Assert.All(byStatus, x => Assert.Equal(ActionStatuses.Failed, x.Status));
        var recent = await Store.ListAsync(null, null, t.AddHours(3), 100_000, Ct);
        Assert.Contains(recent, x => x.Id == d.Id);
        Assert.DoesNotContain(recent, x => x.Id == c.Id);
    }

    [Fact]
    public async Task Deleting_a_customer_removes_its_actions_only()
    {
        var customer = StoreTestData.NewId();
        var other = StoreTestData.NewId();
        var now = Base.AddDays(30);
        await Store.AddAsync([Sample(customer, key: "o-1", dueAt: now), Sample(customer, key: "o-2", dueAt: now), Sample(other, key: "o-1", dueAt: now)], Ct);

        await Store.DeleteCustomerAsync(customer, Ct);
        await Store.DeleteCustomerAsync(customer, Ct);
        await Store.DeleteCustomerAsync(StoreTestData.NewId(), Ct);

        Assert.Empty(await Store.ListByCustomerAsync(customer, Ct));
        Assert.Empty(await DueOfAsync(customer, now));
        Assert.Single(await Store.ListByCustomerAsync(other, Ct));
        // Deleted, an id can be added again.
        Assert.Single(await Store.AddAsync([Sample(customer, key: "o-1", dueAt: now)], Ct));
    }
}
