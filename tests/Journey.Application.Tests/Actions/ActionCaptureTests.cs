using System.Collections.Concurrent;
using Journey.Application.Actions;
using Journey.Application.Processing;
using Journey.Domain.Actions;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Stages;
using Journey.Testing;
using Microsoft.Extensions.Time.Testing;
using static Journey.Testing.Events;

namespace Journey.Application.Tests.Actions;

/// <summary>The processor adds the actions the rules call for, through the real write path, once.</summary>
public sealed class ActionCaptureTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly FakeTimeProvider _clock = new(T0.AddDays(3)); // the shopper's events are recent
    private readonly RecordingOutbox _outbox = new();

    private JourneyProcessor Processor(InMemoryJourneyStore store, ActionRulesOptions? options = null) =>
        Processors.Create(store, store, store, new JourneyRulesOptions(), _clock, steps: [new ActionCapture(new ActionRules(options ?? new ActionRulesOptions { HoldoutShare = 0 }, new JourneyRulesOptions()), _outbox, _clock)]);

    private static JourneyEvent[] Shopper() =>
    [
        Identify(userId: "u1", anonymousId: "a1", at: T0.AddMinutes(-1), traits: new { email = "ada@example.com", firstName = "Ada" }, messageId: "i1"),
        Track(EventNames.ProductViewed, userId: "u1", at: T0, properties: new { product_id = "p1" }, messageId: "v1"),
        Track(EventNames.OrderCompleted, userId: "u1", at: T0.AddMinutes(5), properties: new { order_id = "o1", revenue = 30 }, messageId: "o1"),
        Track(EventNames.OrderCancelled, userId: "u1", at: T0.AddDays(3), properties: new { order_id = "o2", reason = "Took too long to ship" }, messageId: "x1"),
    ];

    [Fact]
    public async Task AShoppersEvents_GiveTheirActions_OnceAcrossRedeliveriesAndAReplayOfTheStream()
    {
        var store = new InMemoryJourneyStore();
        await Processor(store).ProcessAsync(Records(Shopper()), Ct);

        var types = _outbox.Actions.Values.Select(a => a.ActionType).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(ActionTypes.FirstOrder, types);
        Assert.Contains(ActionTypes.ReviewRequest, types);
        Assert.Contains(ActionTypes.OrderCancelled, types);
        Assert.Contains(ActionTypes.StageChanged, types);
        var cancel = _outbox.Actions["order.cancelled:u1:o2"];
        Assert.Equal("Took too long to ship", cancel.Trigger.Reason);
        Assert.Equal("ada@example.com", cancel.Customer.Email);
        var count = _outbox.Actions.Count;

        // The same batch again: every event is applied already, nothing new.
        await Processor(store).ProcessAsync(Records(Shopper()), Ct);
        // The whole stream into a fresh store (a rebuild): the same ids, nothing new.
        await Processor(new InMemoryJourneyStore()).ProcessAsync(Records(Shopper()), Ct);
        Assert.Equal(count, _outbox.Actions.Count);
        Assert.Equal(count, _outbox.Added);
    }

    [Fact]
    public async Task AnOutboxFailure_FailsTheBatch_AndTheRedeliveryAddsTheActions()
    {
        var store = new InMemoryJourneyStore();
        _outbox.FailNext = true;
        await Assert.ThrowsAsync<StoreUnavailableException>(() => Processor(store).ProcessAsync(Records(Shopper()), Ct));
        Assert.Empty(_outbox.Actions);
        Assert.Null(await store.GetAsync("u1", Ct)); // nothing of the customer was written

        await Processor(store).ProcessAsync(Records(Shopper()), Ct);
        Assert.Contains("order.cancelled:u1:o2", _outbox.Actions.Keys);
    }

    [Fact]
    public async Task OldEvents_AnImportOfHistory_TriggerNothing()
    {
        _clock.Advance(TimeSpan.FromDays(30));
        await Processor(new InMemoryJourneyStore()).ProcessAsync(Records(Shopper()), Ct);
        Assert.Empty(_outbox.Actions);
    }

    /// <summary>Insert-if-absent, as the stores do; the rest of the port is not used by the capture.</summary>
    private sealed class RecordingOutbox : IActionStore
    {
        public ConcurrentDictionary<string, ActionDocument> Actions { get; } = new(StringComparer.Ordinal);
        public int Added;
        public bool FailNext { get; set; }

        public Task<IReadOnlyList<ActionDocument>> AddAsync(IReadOnlyCollection<ActionDocument> actions, CancellationToken cancellationToken)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new StoreUnavailableException("the outbox is down");
            }
            var added = actions.Where(a => Actions.TryAdd(a.Id, a)).ToList();
            Interlocked.Add(ref Added, added.Count);
            return Task.FromResult<IReadOnlyList<ActionDocument>>(added);
        }

        public Task<IReadOnlyList<Versioned<ActionDocument>>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<string> ReplaceAsync(ActionDocument action, string ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<ActionDocument>> ListByCustomerAsync(string customerId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<ActionDocument>> ListAsync(string? actionType, string? status, DateTimeOffset? since, int max, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DeleteCustomerAsync(string customerId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
