using Journey.Application.Actions;
using Journey.Application.Processing;
using Journey.Domain.Actions;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Stages;
using Journey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Journey.Testing.Events;

namespace Journey.Application.Tests.Actions;

/// <summary>
/// The delayed rules through the real write path and the real dispatcher: a cart reminder is created when
/// the cart opens, waits while the cart is in use, carries the cart's items when it is released, and is
/// cancelled by an order; a review request waits for its delay. Each case runs the processor, the outbox
/// and the dispatcher's release check against the customer store, with a fake clock.
/// </summary>
public sealed class DelayedActionsTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly FakeTimeProvider _clock = new(T0);
    private readonly InMemoryJourneyStore _store = new();
    private readonly InMemoryActionStore _outbox = new();
    private readonly RecordingDestination _destination = new(ActionTypes.CartAbandoned);
    private readonly JourneyRulesOptions _journey = new() { CartAbandonmentWindow = Window };
    private long _sequence;

    private async Task SendAsync(params JourneyEvent[] events)
    {
        var rules = new ActionRules(new ActionRulesOptions { HoldoutShare = 0 }, _journey);
        var processor = Processors.Create(_store, _store, _store, _journey, _clock, steps: [new ActionCapture(rules, _outbox, _clock)]);
        await processor.ProcessAsync(Records(events, firstSequence: _sequence), Ct);
        _sequence += events.Length;
    }

    private Task<DispatchSummary> DispatchAsync() =>
        new ActionDispatcher(_outbox, [_destination], new ActionsOptions(), _clock, NullLogger<ActionDispatcher>.Instance,
            new CustomerActionRelease(new CustomerLookup(_store), new ActionRelease(_journey), _clock)).DispatchDueAsync(Ct);

    private JourneyEvent Added(string product, string name, decimal price, int quantity = 1) =>
        Track(EventNames.ProductAdded, userId: "u1", at: _clock.GetUtcNow(), properties: new { product_id = product, name, price, quantity }, messageId: $"add-{product}-{_sequence}");

    private ActionDocument Cart() => Assert.Single(_outbox.All(), a => a.ActionType == ActionTypes.CartAbandoned);

    [Fact]
    public async Task AnAbandonedCart_IsRemindedOnce_AfterTheWindow_WithEveryItemInIt()
    {
        await SendAsync(Identify("u1", "a1", at: T0, traits: new { email = "ada@example.com", firstName = "Ada" }, messageId: "i1"), Added("p1", "Trail shoe", 80m));
        Assert.Equal(T0 + Window, Cart().DueAt);

        _clock.Advance(TimeSpan.FromMinutes(20));
        await SendAsync(Added("p2", "Wool socks", 6m, quantity: 2), Added("p1", "Trail shoe", 80m));
        await DispatchAsync(); // the stage changes go; the reminder is not due yet
        Assert.Equal((ActionStatuses.Pending, 0), (Cart().Status, _destination.Received.Count));

        _clock.Advance(TimeSpan.FromMinutes(45)); // the first due time passed, but the cart was used 25 minutes ago
        var early = await DispatchAsync();
        Assert.Equal((1, 0), (early.Postponed, _destination.Received.Count));
        Assert.Equal(T0.AddMinutes(20) + Window, _outbox.Find(Cart().Id)!.NextAttemptAt);

        _clock.Advance(TimeSpan.FromMinutes(20));
        var released = await DispatchAsync();
        Assert.Equal((1, 1), (released.Sent, _destination.Received.Count));
        var delivered = _destination.Received[0];
        Assert.Equal([("p1", "Trail shoe", 2L, 80m), ("p2", "Wool socks", 2L, 6m)],
            delivered.Trigger.Items!.Select(i => (i.ProductId!, i.Name!, i.Quantity!.Value, i.Price!.Value)).OrderBy(i => i.Item1));
        Assert.Equal(172m, delivered.Trigger.Revenue);
        Assert.Equal(("ada@example.com", "Ada"), (delivered.Customer.Email, delivered.Customer.FirstName));

        // The same events again (a redelivery) and a later dispatch: nothing new.
        _sequence = 0;
        await SendAsync(Identify("u1", "a1", at: T0, traits: new { email = "ada@example.com", firstName = "Ada" }, messageId: "i1"));
        _clock.Advance(Window);
        await DispatchAsync();
        Assert.Single(_destination.Received);
        Assert.Single(_outbox.All(), a => a.ActionType == ActionTypes.CartAbandoned);
    }

    [Fact]
    public async Task AnOrderBeforeTheReminderIsDue_CancelsIt()
    {
        await SendAsync(Added("p1", "Trail shoe", 80m));
        _clock.Advance(TimeSpan.FromMinutes(30));
        await SendAsync(Track(EventNames.OrderCompleted, userId: "u1", at: _clock.GetUtcNow(), properties: new { order_id = "o1", revenue = 80 }, messageId: "o1"));

        _clock.Advance(TimeSpan.FromHours(2));
        var summary = await DispatchAsync();

        Assert.Equal((1, 0), (summary.Cancelled, _destination.Received.Count));
        var cart = Cart();
        Assert.Equal((ActionStatuses.Cancelled, "the cart was ordered"), (cart.Status, cart.LastError));
        Assert.Null(cart.NextAttemptAt);
    }

    [Fact]
    public async Task ANewCartAfterAnAbandonedOne_GetsItsOwnReminder_AndTheOldOneIsNotSentLate()
    {
        await SendAsync(Added("p1", "Trail shoe", 80m));
        _clock.Advance(TimeSpan.FromHours(3));
        await SendAsync(Added("p9", "Rain jacket", 120m)); // the first cart lapsed without a dispatch in between

        _clock.Advance(TimeSpan.FromMinutes(1));
        var first = await DispatchAsync();
        Assert.Equal(1, first.Cancelled);
        _clock.Advance(Window);
        await DispatchAsync();

        var carts = _outbox.All().Where(a => a.ActionType == ActionTypes.CartAbandoned).OrderBy(a => a.Trigger.At).ToList();
        Assert.Equal([ActionStatuses.Cancelled, ActionStatuses.Sent], carts.Select(a => a.Status));
        Assert.Equal("Rain jacket", Assert.Single(Assert.Single(_destination.Received).Trigger.Items!).Name);
    }

    [Fact]
    public async Task ACartWhoseEventsArriveAfterTheWindow_IsRemindedAtOnce()
    {
        var openedAt = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromHours(5)); // a late batch: the cart was left five hours ago
        await SendAsync(Track(EventNames.ProductAdded, userId: "u1", at: openedAt, properties: new { product_id = "p1", name = "Trail shoe", price = 80 }, messageId: "late-add"));

        Assert.Equal(_clock.GetUtcNow(), Cart().DueAt);
        await DispatchAsync();
        Assert.Equal("Trail shoe", Assert.Single(Assert.Single(_destination.Received).Trigger.Items!).Name);
    }

    [Fact]
    public async Task AnEmptiedCart_IsNotReminded()
    {
        await SendAsync(Added("p1", "Trail shoe", 80m));
        await SendAsync(Track(EventNames.ProductRemoved, userId: "u1", at: _clock.GetUtcNow().AddMinutes(1), properties: new { product_id = "p1", price = 80 }, messageId: "rm1"));
        _clock.Advance(TimeSpan.FromHours(2));

        await DispatchAsync();

        Assert.Equal((ActionStatuses.Cancelled, "the cart was emptied"), (Cart().Status, Cart().LastError));
    }

    [Fact]
    public async Task AReviewRequest_WaitsForItsDelay_ThenCarriesTheCustomerAsItIsThen()
    {
        _destination.Accept(ActionTypes.FirstOrder, ActionTypes.ReviewRequest);
        await SendAsync(
            Identify("u1", "a1", at: T0, traits: new { email = "ada@example.com" }, messageId: "i1"),
            Track(EventNames.OrderCompleted, userId: "u1", at: T0, properties: new { order_id = "o1", revenue = 30 }, messageId: "o1"));
        await DispatchAsync(); // the welcome and the stage changes go now
        var sentNow = _destination.Received.Select(a => a.ActionType).ToList();
        Assert.Contains(ActionTypes.FirstOrder, sentNow);
        Assert.DoesNotContain(ActionTypes.ReviewRequest, sentNow);

        _clock.Advance(TimeSpan.FromDays(2));
        await SendAsync(Identify("u1", "a1", at: _clock.GetUtcNow(), traits: new { email = "ada@new.example", firstName = "Ada" }, messageId: "i2"));
        _clock.Advance(TimeSpan.FromDays(5));
        await DispatchAsync();

        var review = Assert.Single(_destination.Received, a => a.ActionType == ActionTypes.ReviewRequest);
        Assert.Equal("ada@new.example", review.Customer.Email);
    }

    /// <summary>Accepts the action types given and keeps what it was given.</summary>
    private sealed class RecordingDestination(params string[] accepts) : IActionDestination
    {
        private readonly HashSet<string> _accepts = [.. accepts];
        private readonly Lock _gate = new();
        private readonly List<ActionDocument> _received = [];

        public string Name => "recorder";

        public IReadOnlyList<ActionDocument> Received
        {
            get
            {
                lock (_gate) return [.. _received];
            }
        }

        public void Accept(params string[] types) => _accepts.UnionWith(types);

        public bool Accepts(string actionType) => _accepts.Contains(actionType);

        public Task<DeliveryOutcome> DeliverAsync(ActionDocument action, CancellationToken cancellationToken)
        {
            lock (_gate) _received.Add(action);
            return Task.FromResult(DeliveryOutcome.Success);
        }
    }
}
