using Journey.Application.Processing;
using Journey.Domain.Events;
using Journey.Domain.Feedback;
using Journey.Domain.Ports;
using Journey.Domain.Stages;
using Journey.Testing;
using Microsoft.Extensions.Time.Testing;
using static Journey.Testing.Events;

namespace Journey.Application.Tests.Processing;

/// <summary>The processor stores the feedback of the events it applies, through the real write path.</summary>
public sealed class FeedbackCaptureTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly InMemoryJourneyStore _store = new();
    private readonly FakeTimeProvider _clock = new(T0.AddDays(10));

    private JourneyProcessor Processor(IFeedbackStore feedback, FeedbackOptions? options = null) =>
        Processors.Create(_store, _store, _store, new JourneyRulesOptions(), _clock, feedback, options);

    private static JourneyEvent[] Shopper() =>
    [
        Track(EventNames.ProductViewed, userId: "u1", at: T0, properties: new { product_id = "p1" }, messageId: "v1", channel: "email"),
        Track(EventNames.OrderCompleted, userId: "u1", at: T0.AddMinutes(5), properties: new { order_id = "o1", revenue = 30, products = new[] { new { product_id = "p1", category = "Shoes" } } }, messageId: "o1"),
        Track(EventNames.ProductReviewed, userId: "u1", at: T0.AddDays(2), properties: new { product_id = "p1", category = "Shoes", review_body = "Soles came off after a week", rating = 2 }, messageId: "r1"),
        Track(EventNames.OrderCancelled, userId: "u1", at: T0.AddDays(3), properties: new { order_id = "o2", reason = "Took too long to ship", products = new[] { new { product_id = "p2", category = "Bags" } } }, messageId: "x1"),
    ];

    [Fact]
    public async Task Applied_events_leave_their_feedback_with_the_customers_stage_and_channel()
    {
        var feedback = new InMemoryFeedbackStore();

        var result = await Processor(feedback).ProcessAsync(Records(Shopper()), Ct);

        Assert.Equal(4, result.Applied);
        var items = feedback.All();
        Assert.Equal(["r1:review_body", "x1:reason"], items.Select(i => i.Id));
        var (review, cancel) = (items[0], items[1]);
        Assert.Equal((FeedbackKinds.Review, "u1", "Conversion", "email", 2d, "p1", "Shoes"), (review.Kind, review.CustomerId, review.Stage, review.Channel, review.Rating!.Value, review.ProductId, review.Category));
        Assert.Equal((FeedbackKinds.Cancel, "Took too long to ship", "p2", "Bags"), (cancel.Kind, cancel.Text, cancel.ProductId, cancel.Category));
        Assert.Equal("2026-03", review.Period);
    }

    [Fact]
    public async Task The_stage_includes_the_event_itself()
    {
        var feedback = new InMemoryFeedbackStore();
        var review = Track(EventNames.ProductReviewed, userId: "u2", at: T0, properties: new { review_body = "First thing I ever did here", rating = 5 }, messageId: "r2");

        await Processor(feedback).ProcessAsync(Records([review]), Ct);

        var customer = (await _store.GetAsync("u2", Ct))!.Document;
        Assert.NotEqual(Journey.Domain.Customers.Stage.None, customer.Stage);
        Assert.Equal(customer.Stage.ToString(), Assert.Single(feedback.All()).Stage);
    }

    [Fact]
    public async Task The_same_batch_again_adds_nothing_and_does_not_ask_the_store()
    {
        var feedback = new InMemoryFeedbackStore();
        var processor = Processor(feedback);
        var batch = Records(Shopper());
        await processor.ProcessAsync(batch, Ct);
        var calls = feedback.AddCalls;

        var again = await processor.ProcessAsync(batch, Ct);
        var fresh = await Processor(feedback).ProcessAsync(batch, Ct); // another host, no cache

        Assert.Equal((0, 4), (again.Applied, again.Duplicates));
        Assert.Equal((0, 4), (fresh.Applied, fresh.Duplicates));
        Assert.Equal(calls, feedback.AddCalls);
        Assert.Equal(2, feedback.Count);
    }

    [Fact]
    public async Task Only_the_events_a_batch_adds_are_captured()
    {
        var feedback = new RecordingFeedbackStore(new InMemoryFeedbackStore());
        var processor = Processor(feedback);
        var events = Shopper();
        await processor.ProcessAsync(Records(events[..3]), Ct);

        // Delivered again, cut differently: the review is applied already, the cancel is new.
        await processor.ProcessAsync(Records(events[1..]), Ct);

        Assert.Equal([["r1:review_body"], ["x1:reason"]], feedback.Calls);
    }

    [Fact]
    public async Task A_failing_feedback_store_fails_the_batch_before_the_customer_is_written_and_the_redelivery_stores_it()
    {
        var feedback = new InMemoryFeedbackStore { FailNextAdds = 1 };
        var batch = Records(Shopper());

        await Assert.ThrowsAsync<StoreUnavailableException>(() => Processor(feedback).ProcessAsync(batch, Ct));
        Assert.Null(await _store.GetAsync("u1", Ct));
        Assert.Equal(0, feedback.Count);

        var failed = await Processors.DeliverUntilDoneAsync(Processor(feedback), batch);

        Assert.Equal(0, failed);
        Assert.Equal(2, feedback.Count);
        Assert.NotNull(await _store.GetAsync("u1", Ct));
        Assert.Empty(_store.DeadLetters);
    }

    [Fact]
    public async Task An_item_the_store_refuses_is_skipped_and_the_events_are_applied()
    {
        var inner = new InMemoryFeedbackStore();
        var feedback = new RejectingFeedbackStore(inner, rejected: "x1:reason");

        var result = await Processor(feedback).ProcessAsync(Records(Shopper()), Ct);

        Assert.Equal((4, 0), (result.Applied, result.DeadLettered));
        Assert.Equal(["r1:review_body"], inner.All().Select(i => i.Id));
        Assert.Empty(_store.DeadLetters);
        Assert.Equal(1, (await _store.GetAsync("u1", Ct))!.Document.Counters[EventNames.OrderCancelled]);
    }

    [Fact]
    public async Task Configured_text_properties_are_captured_through_the_processor()
    {
        var feedback = new InMemoryFeedbackStore();
        var note = Track(EventNames.CheckoutStepCompleted, userId: "u3", at: T0, properties: new { step = 3, note = "Coupon field is hidden" }, messageId: "n1");

        await Processor(feedback, new FeedbackOptions { TextProperties = "note" }).ProcessAsync(Records([note]), Ct);

        var item = Assert.Single(feedback.All());
        Assert.Equal(("n1:note", FeedbackKinds.Text, "Coupon field is hidden"), (item.Id, item.Kind, item.Text));
    }

    /// <summary>Records the ids of every call.</summary>
    private sealed class RecordingFeedbackStore(IFeedbackStore inner) : IFeedbackStore
    {
        public List<List<string>> Calls { get; } = [];

        public Task AddAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken)
        {
            lock (Calls) Calls.Add([.. items.Select(i => i.Id)]);
            return inner.AddAsync(items, cancellationToken);
        }

        public IAsyncEnumerable<FeedbackItem> ListAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) => inner.ListAsync(since, until, cancellationToken);

        public Task SetEmbeddingsAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken) => inner.SetEmbeddingsAsync(items, cancellationToken);
    }

    /// <summary>Refuses any call that carries the item <paramref name="rejected"/>, as an adapter refuses an id it cannot hold.</summary>
    private sealed class RejectingFeedbackStore(IFeedbackStore inner, string rejected) : IFeedbackStore
    {
        public Task AddAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken) =>
            items.Any(i => i.Id == rejected)
                ? Task.FromException(new DocumentRejectedException($"The id '{rejected}' cannot be stored."))
                : inner.AddAsync(items, cancellationToken);

        public IAsyncEnumerable<FeedbackItem> ListAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) => inner.ListAsync(since, until, cancellationToken);

        public Task SetEmbeddingsAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken) => inner.SetEmbeddingsAsync(items, cancellationToken);
    }
}
