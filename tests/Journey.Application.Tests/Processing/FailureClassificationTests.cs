using System.Text.Json;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Domain.Stages;
using Journey.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;
using static Journey.Testing.Events;

namespace Journey.Application.Tests.Processing;

/// <summary>
/// Which failures send events to the dead letters and which fail the batch (so that it is delivered
/// again), with faults no real adapter produces on demand, from Moq stores in front of the in-memory one.
/// </summary>
public sealed class FailureClassificationTests
{
    private static readonly JourneyRulesOptions Rules = new();
    private static readonly FakeTimeProvider Clock = new(T0.AddDays(1));

    private static List<StreamRecord> Batch() => Records(
    [
        Page("/", "fine", at: T0, messageId: "fine-1"),
        Track(EventNames.ProductAdded, "fine", at: T0.AddMinutes(1), properties: new { product_id = 1, price = 10 }, messageId: "fine-2"),
        Page("/", "big", at: T0, messageId: "big-1"),
        Track(EventNames.OrderCompleted, "big", at: T0.AddMinutes(2), properties: new { order_id = "o1", revenue = 5 }, messageId: "big-2"),
    ]);

    /// <summary>A customer store whose calls go to <paramref name="inner"/> unless a test sets them up otherwise.</summary>
    private static Mock<ICustomerStore> Over(InMemoryJourneyStore inner)
    {
        var mock = new Mock<ICustomerStore>(MockBehavior.Strict);
        mock.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns((string id, CancellationToken ct) => inner.GetAsync(id, ct));
        mock.Setup(s => s.IsCurrentAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns((string id, string etag, CancellationToken ct) => inner.IsCurrentAsync(id, etag, ct));
        mock.Setup(s => s.CreateAsync(It.IsAny<CustomerDocument>(), It.IsAny<CancellationToken>())).Returns((CustomerDocument d, CancellationToken ct) => inner.CreateAsync(d, ct));
        mock.Setup(s => s.ReplaceAsync(It.IsAny<CustomerDocument>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((CustomerDocument d, string etag, CancellationToken ct) => inner.ReplaceAsync(d, etag, ct));
        return mock;
    }

    private static async Task<StoreSnapshot> CleanRunAsync(params List<StreamRecord>[] batches)
    {
        var store = new InMemoryJourneyStore();
        var processor = Processors.Create(store, store, store, Rules, Clock);
        foreach (var batch in batches) await processor.ProcessAsync(batch, CancellationToken.None);
        return await SnapshotAsync(store);
    }

    private static Task<StoreSnapshot> SnapshotAsync(InMemoryJourneyStore store) => StoreSnapshot.TakeAsync(store, store, store, [TimelineEntries.Day(T0)]);

    [Fact]
    public async Task A_document_the_store_refuses_for_its_content_sends_only_that_customers_events_to_the_dead_letters()
    {
        var store = new InMemoryJourneyStore();
        var customers = Over(store);
        customers.Setup(s => s.CreateAsync(It.Is<CustomerDocument>(d => d.Id == "big"), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DocumentRejectedException("the document big is over the store's 2 MB limit"));

        var result = await Processors.Create(customers.Object, store, store, Rules, Clock).ProcessAsync(Batch(), CancellationToken.None);

        Assert.Equal((2, 2), (result.Applied, result.DeadLettered));
        Assert.Equal(["big-1", "big-2"], store.DeadLetters.Select(d => d.MessageId));
        Assert.All(store.DeadLetters, d => Assert.Equal("could not be applied: the document big is over the store's 2 MB limit", d.Reason));
        Assert.Equal(["fine"], store.CustomerIds);
    }

    [Fact]
    public async Task Events_whose_journey_cannot_be_folded_go_to_the_dead_letters_and_the_rest_is_applied()
    {
        // Two orders of the largest amount a decimal holds: their sum overflows in the fold, whatever is retried.
        var huge = decimal.MaxValue;
        var batch = Records(
        [
            Track(EventNames.OrderCompleted, "rich", at: T0, properties: new { order_id = "r1", revenue = huge }, messageId: "rich-1"),
            Track(EventNames.OrderCompleted, "rich", at: T0.AddMinutes(1), properties: new { order_id = "r2", revenue = huge }, messageId: "rich-2"),
            Page("/", "fine", at: T0, messageId: "fine-1"),
        ]);
        var store = new InMemoryJourneyStore();

        var result = await Processors.Create(store, store, store, Rules, Clock).ProcessAsync(batch, CancellationToken.None);

        Assert.Equal((1, 2), (result.Applied, result.DeadLettered));
        Assert.All(store.DeadLetters, d => Assert.Contains("cannot be folded: OverflowException", d.Reason, StringComparison.Ordinal));
        Assert.Equal(["fine"], store.CustomerIds);
    }

    public static TheoryData<string> Failures => ["store unavailable", "unknown status", "connection dropped", "disk", "timeout", "request canceled", "unreadable stored document", "anything else"];

    private static Exception Failure(string kind) => kind switch
    {
        "store unavailable" => new StoreUnavailableException("503 Service Unavailable"),
        "unknown status" => new InvalidOperationException("the store answered 418"),
        "connection dropped" => new HttpRequestException("the connection was reset"),
        "disk" => new IOException("disk I/O error"),
        "timeout" => new TimeoutException("the request timed out"),
        "request canceled" => new TaskCanceledException("the HTTP request was canceled after its timeout"),
        "unreadable stored document" => new JsonException("the stored document is cut short"),
        _ => new SurpriseException("something nobody expected"),
    };

    /// <summary>An exception of a type the processor has never heard of.</summary>
    private sealed class SurpriseException(string message) : Exception(message);

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Any_other_failure_of_a_read_fails_the_batch_and_dead_letters_nothing(string kind)
    {
        var store = new InMemoryJourneyStore();
        var customers = Over(store);
        var fail = true;
        customers.Setup(s => s.GetAsync("big", It.IsAny<CancellationToken>()))
            .Returns((string id, CancellationToken ct) => fail ? throw Failure(kind) : store.GetAsync(id, ct));
        var processor = Processors.Create(customers.Object, store, store, Rules, Clock);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => processor.ProcessAsync(Batch(), CancellationToken.None));

        Assert.Equal(Failure(kind).GetType(), error.GetType());
        Assert.Empty(store.DeadLetters);
        fail = false;
        await processor.ProcessAsync(Batch(), CancellationToken.None); // delivered again
        (await CleanRunAsync(Batch())).AssertSameAs(await SnapshotAsync(store));
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_write_whose_answer_is_lost_after_the_store_applied_it_fails_the_batch_and_the_next_delivery_ends_as_a_clean_run(string kind)
    {
        var store = new InMemoryJourneyStore();
        var customers = Over(store);
        var lose = true;
        customers.Setup(s => s.CreateAsync(It.Is<CustomerDocument>(d => d.Id == "big"), It.IsAny<CancellationToken>()))
            .Returns(async (CustomerDocument d, CancellationToken ct) =>
            {
                var etag = await store.CreateAsync(d, ct);
                return lose ? throw Failure(kind) : etag;
            });
        var processor = Processors.Create(customers.Object, store, store, Rules, Clock);

        await Assert.ThrowsAnyAsync<Exception>(() => processor.ProcessAsync(Batch(), CancellationToken.None));
        Assert.NotNull(await store.GetAsync("big", CancellationToken.None)); // applied, though the processor never heard so
        Assert.Empty(await store.ListAsync("big", CancellationToken.None));   // and its transitions were never written
        lose = false;
        await processor.ProcessAsync(Batch(), CancellationToken.None);

        (await CleanRunAsync(Batch())).AssertSameAs(await SnapshotAsync(store));
        Assert.Empty(store.DeadLetters);
    }

    [Fact]
    public async Task Transitions_that_failed_after_their_document_are_written_by_the_next_delivery_even_on_another_host()
    {
        var store = new InMemoryJourneyStore();
        var transitions = new Mock<ITransitionStore>();
        transitions.Setup(s => s.ListAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns((string id, CancellationToken ct) => store.ListAsync(id, ct));
        transitions.Setup(s => s.UpsertAsync(It.IsAny<IReadOnlyCollection<TransitionDocument>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new StoreUnavailableException("429 Too Many Requests"));

        await Assert.ThrowsAsync<StoreUnavailableException>(() => Processors.Create(store, transitions.Object, store, Rules, Clock).ProcessAsync(Batch(), CancellationToken.None));
        Assert.NotEmpty(store.CustomerIds); // the documents went first (the first failure stops the other customers of the batch)
        foreach (var id in store.CustomerIds) Assert.Empty(await store.ListAsync(id, CancellationToken.None));

        // Delivered again to a processor that remembers nothing: every event is known, and the transitions are compared with the container.
        var written = store.CustomerIds.Count;
        var result = await Processors.Create(store, store, store, Rules, Clock).ProcessAsync(Batch(), CancellationToken.None);

        Assert.Equal(2 * written, result.Duplicates);
        Assert.True(result.TransitionWrites > 0);
        (await CleanRunAsync(Batch())).AssertSameAs(await SnapshotAsync(store));
    }
}
