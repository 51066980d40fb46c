using Journey.Application.Actions;
using Journey.Domain.Actions;
using Journey.Domain.Ports;
using Journey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Application.Tests.Actions;

public sealed class ActionDispatcherTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => CancellationToken.None;

    private readonly InMemoryActionStore _store = new();
    private readonly FakeTimeProvider _clock = new(Now);

    private ActionDispatcher Dispatcher(ActionsOptions? options = null, params IActionDestination[] destinations) =>
        new(_store, destinations, options ?? new ActionsOptions(), _clock, NullLogger<ActionDispatcher>.Instance);

    private static ActionDocument Action(string customerId = "c-1", string type = ActionTypes.OrderCancelled, DateTimeOffset? due = null, bool holdout = false, string key = "o-1") => new()
    {
        Id = ActionDocument.IdFor(type, customerId, key),
        ActionType = type,
        CustomerId = customerId,
        Trigger = new ActionTrigger { Key = key, At = Now.AddMinutes(-5), OrderId = key, Reason = "too small" },
        Customer = new ActionCustomer { Id = customerId, Email = "ann@example.com", FirstName = "Ann" },
        CreatedAt = Now.AddMinutes(-5),
        DueAt = due ?? Now.AddMinutes(-1),
        Holdout = holdout,
    };

    private async Task<ActionDocument> AddAsync(ActionDocument action)
    {
        await _store.AddAsync([action], Ct);
        return action;
    }

    private ActionDocument Stored(ActionDocument action) => _store.Find(action.Id) ?? throw new InvalidOperationException("not stored");

    [Fact]
    public async Task A_due_action_is_delivered_once_to_every_accepting_destination_and_marked_sent()
    {
        var webhook = new FakeDestination("webhook");
        var email = new FakeDestination("email");
        var other = new FakeDestination("hub", accepts: ActionTypes.CartAbandoned);
        var action = await AddAsync(Action());
        var dispatcher = Dispatcher(null, webhook, email, other);

        var first = await dispatcher.DispatchDueAsync(Ct);
        var second = await dispatcher.DispatchDueAsync(Ct);

        Assert.Equal(new DispatchSummary(1, 1, 0, 0, 0, 0, 2, 0, false), first);
        Assert.Equal(0, second.Due);
        Assert.Equal(1, webhook.Calls);
        Assert.Equal(1, email.Calls);
        Assert.Equal(0, other.Calls);
        var stored = Stored(action);
        Assert.Equal(ActionStatuses.Sent, stored.Status);
        Assert.Equal(1, stored.Attempts);
        Assert.Null(stored.NextAttemptAt);
        Assert.Equal(["email", "webhook"], stored.Deliveries.Keys.Order(StringComparer.Ordinal));
        Assert.All(stored.Deliveries.Values, d => Assert.Equal((ActionStatuses.Sent, 1, (DateTimeOffset?)Now), (d.Status, d.Attempts, d.DeliveredAt)));
        Assert.Equal(action.Id, webhook.Received.Single().Id);
    }

    [Fact]
    public async Task A_destination_failing_twice_is_retried_at_the_backoff_times_and_the_other_is_delivered_once()
    {
        var flaky = new FakeDestination("webhook", DeliveryOutcome.Retry("HTTP 500"), DeliveryOutcome.Retry("HTTP 503"), DeliveryOutcome.Success);
        var email = new FakeDestination("email");
        var action = await AddAsync(Action());
        var options = new ActionsOptions();
        var dispatcher = Dispatcher(options, flaky, email);

        var first = await dispatcher.DispatchDueAsync(Ct);
        Assert.Equal(1, first.Retrying);
        var afterFirst = Stored(action);
        Assert.Equal(ActionStatuses.Pending, afterFirst.Status);
        Assert.Equal(Now + options.RetryDelay(action.Id, 1), afterFirst.NextAttemptAt);
        Assert.InRange(afterFirst.NextAttemptAt!.Value - Now, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(12));
        Assert.Equal("webhook: HTTP 500", afterFirst.LastError);
        Assert.Equal((ActionStatuses.Pending, 1, "HTTP 500"), (afterFirst.Deliveries["webhook"].Status, afterFirst.Deliveries["webhook"].Attempts, afterFirst.Deliveries["webhook"].LastError));
        Assert.Equal(ActionStatuses.Sent, afterFirst.Deliveries["email"].Status);

        // Not before the next attempt time.
        _clock.SetUtcNow(afterFirst.NextAttemptAt.Value.AddTicks(-1));
        Assert.Equal(0, (await dispatcher.DispatchDueAsync(Ct)).Due);
        Assert.Equal(1, flaky.Calls);

        _clock.SetUtcNow(afterFirst.NextAttemptAt.Value);
        await dispatcher.DispatchDueAsync(Ct);
        var afterSecond = Stored(action);
        Assert.Equal(2, flaky.Calls);
        Assert.Equal(ActionStatuses.Pending, afterSecond.Status);
        Assert.Equal(afterFirst.NextAttemptAt.Value + options.RetryDelay(action.Id, 2), afterSecond.NextAttemptAt);
        Assert.InRange(afterSecond.NextAttemptAt!.Value - afterFirst.NextAttemptAt.Value, TimeSpan.FromSeconds(32), TimeSpan.FromSeconds(48));

        _clock.SetUtcNow(afterSecond.NextAttemptAt.Value);
        var third = await dispatcher.DispatchDueAsync(Ct);
        Assert.Equal(1, third.Sent);
        var done = Stored(action);
        Assert.Equal(3, flaky.Calls);
        Assert.Equal(1, email.Calls);
        Assert.Equal(ActionStatuses.Sent, done.Status);
        Assert.Equal(3, done.Attempts);
        Assert.Equal((ActionStatuses.Sent, 3, (DateTimeOffset?)afterSecond.NextAttemptAt, (string?)null),
            (done.Deliveries["webhook"].Status, done.Deliveries["webhook"].Attempts, done.Deliveries["webhook"].DeliveredAt, done.Deliveries["webhook"].LastError));
        Assert.Equal(1, done.Deliveries["email"].Attempts);
    }

    [Fact]
    public async Task A_destination_that_gives_up_is_failed_and_the_others_are_delivered()
    {
        var rejecting = new FakeDestination("webhook", DeliveryOutcome.GiveUp("HTTP 410"));
        var flaky = new FakeDestination("hub", DeliveryOutcome.Retry("timeout"), DeliveryOutcome.Success);
        var email = new FakeDestination("email");
        var action = await AddAsync(Action());
        var dispatcher = Dispatcher(null, rejecting, flaky, email);

        await dispatcher.DispatchDueAsync(Ct);
        var afterFirst = Stored(action);
        Assert.Equal(ActionStatuses.Pending, afterFirst.Status);
        Assert.Equal(ActionStatuses.Failed, afterFirst.Deliveries["webhook"].Status);

        _clock.SetUtcNow(afterFirst.NextAttemptAt!.Value);
        var second = await dispatcher.DispatchDueAsync(Ct);

        Assert.Equal(1, second.Failed);
        var done = Stored(action);
        Assert.Equal(ActionStatuses.Failed, done.Status);
        Assert.Null(done.NextAttemptAt);
        Assert.Equal((ActionStatuses.Failed, "HTTP 410"), (done.Deliveries["webhook"].Status, done.Deliveries["webhook"].LastError));
        Assert.Equal(ActionStatuses.Sent, done.Deliveries["hub"].Status);
        Assert.Equal(ActionStatuses.Sent, done.Deliveries["email"].Status);
        Assert.Equal((1, 2, 1), (rejecting.Calls, flaky.Calls, email.Calls));
    }

    [Fact]
    public async Task After_the_last_attempt_the_action_is_failed()
    {
        var down = new FakeDestination("webhook", DeliveryOutcome.Retry("HTTP 500")) { RepeatLast = true };
        var action = await AddAsync(Action());
        var options = new ActionsOptions { MaxAttempts = 3 };
        var dispatcher = Dispatcher(options, down);

        var summaries = new List<DispatchSummary>();
        for (var round = 0; round < 5; round++)
        {
            summaries.Add(await dispatcher.DispatchDueAsync(Ct));
            _clock.Advance(options.MaxRetryDelay);
        }

        Assert.Equal([1, 1, 1, 0, 0], summaries.Select(s => s.Due));
        Assert.Equal(1, summaries[2].Failed);
        Assert.Equal(3, down.Calls);
        var stored = Stored(action);
        Assert.Equal((ActionStatuses.Failed, 3, (DateTimeOffset?)null), (stored.Status, stored.Attempts, stored.NextAttemptAt));
        Assert.Equal((ActionStatuses.Failed, 3), (stored.Deliveries["webhook"].Status, stored.Deliveries["webhook"].Attempts));
        Assert.Equal("webhook: HTTP 500", stored.LastError);
    }

    [Fact]
    public async Task A_held_out_action_is_recorded_and_never_delivered()
    {
        var webhook = new FakeDestination("webhook");
        var action = await AddAsync(Action(holdout: true));
        var dispatcher = Dispatcher(null, webhook);

        var summary = await dispatcher.DispatchDueAsync(Ct);
        _clock.Advance(TimeSpan.FromDays(1));
        await dispatcher.DispatchDueAsync(Ct);

        Assert.Equal(1, summary.HeldOut);
        Assert.Equal(0, webhook.Calls);
        var stored = Stored(action);
        Assert.Equal((ActionStatuses.Holdout, 0), (stored.Status, stored.Attempts));
        Assert.Empty(stored.Deliveries);
    }

    [Fact]
    public async Task A_skipped_delivery_counts_as_done()
    {
        var email = new FakeDestination("email", DeliveryOutcome.Skip("opted out"));
        var webhook = new FakeDestination("webhook");
        var action = await AddAsync(Action());
        var dispatcher = Dispatcher(null, email, webhook);

        var summary = await dispatcher.DispatchDueAsync(Ct);
        _clock.Advance(TimeSpan.FromDays(1));
        var later = await dispatcher.DispatchDueAsync(Ct);

        Assert.Equal((1, 0), (summary.Sent, later.Due));
        var stored = Stored(action);
        Assert.Equal(ActionStatuses.Sent, stored.Status);
        Assert.Equal((ActionStatuses.Skipped, "opted out", (DateTimeOffset?)null), (stored.Deliveries["email"].Status, stored.Deliveries["email"].LastError, stored.Deliveries["email"].DeliveredAt));
        Assert.Equal((1, 1), (email.Calls, webhook.Calls));
    }

    [Fact]
    public async Task An_action_not_due_yet_is_left_untouched()
    {
        var webhook = new FakeDestination("webhook");
        var action = await AddAsync(Action(due: Now.AddHours(1)));
        var dispatcher = Dispatcher(null, webhook);

        var summary = await dispatcher.DispatchDueAsync(Ct);

        Assert.Equal(0, summary.Due);
        Assert.Equal(0, webhook.Calls);
        Assert.Equal(0, _store.Replaces);
        Assert.Equal((ActionStatuses.Pending, 0), (Stored(action).Status, Stored(action).Attempts));

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, (await dispatcher.DispatchDueAsync(Ct)).Sent);
        Assert.Equal(1, webhook.Calls);
    }

    [Fact]
    public async Task An_action_no_destination_accepts_is_marked_skipped_with_nothing_delivered()
    {
        var hub = new FakeDestination("hub", accepts: ActionTypes.CartAbandoned);
        var action = await AddAsync(Action());

        var summary = await Dispatcher(null, hub).DispatchDueAsync(Ct);

        Assert.Equal((1, 0), (summary.Sent, summary.Deliveries));
        Assert.Equal((ActionStatuses.Skipped, 0, "no destination takes this action type"), (Stored(action).Status, Stored(action).Attempts, Stored(action).LastError));
    }

    [Fact]
    public async Task A_throwing_destination_is_retried_and_does_not_stop_the_others()
    {
        var throwing = new FakeDestination("webhook") { Throw = new InvalidOperationException("boom") };
        var email = new FakeDestination("email");
        var action = await AddAsync(Action());

        var summary = await Dispatcher(null, throwing, email).DispatchDueAsync(Ct);

        Assert.Equal((1, 1, 1), (summary.Retrying, summary.Deliveries, summary.DeliveryFailures));
        var stored = Stored(action);
        Assert.Equal((ActionStatuses.Pending, "InvalidOperationException: boom"), (stored.Deliveries["webhook"].Status, stored.Deliveries["webhook"].LastError));
        Assert.Equal(ActionStatuses.Sent, stored.Deliveries["email"].Status);
    }

    [Fact]
    public async Task A_slow_destination_times_out_without_holding_up_the_others()
    {
        var slow = new FakeDestination("webhook") { Hang = true };
        var email = new FakeDestination("email");
        var action = await AddAsync(Action());
        var options = new ActionsOptions { DeliveryTimeout = TimeSpan.FromSeconds(5) };

        var dispatch = Dispatcher(options, slow, email).DispatchDueAsync(Ct);
        await slow.Started.Task;
        await email.Finished.Task;
        await email.LastCall!;
        Assert.False(dispatch.IsCompleted);
        for (var i = 0; i < 100_000 && !dispatch.IsCompleted; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }
        var summary = await dispatch;

        Assert.Equal((1, 1), (summary.Retrying, summary.Deliveries));
        var stored = Stored(action);
        Assert.Equal(ActionStatuses.Sent, stored.Deliveries["email"].Status);
        Assert.InRange(stored.Deliveries["email"].DeliveredAt!.Value, Now, Now + options.DeliveryTimeout);
        Assert.Equal(ActionStatuses.Pending, stored.Deliveries["webhook"].Status);
        Assert.StartsWith("timed out", stored.Deliveries["webhook"].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_dispatchers_over_one_store_deliver_every_action_and_mark_each_once()
    {
        const int count = 60;
        var actions = Enumerable.Range(0, count).Select(i => Action(customerId: $"c-{i}", key: $"o-{i}")).ToList();
        await _store.AddAsync(actions, Ct);
        var webhook = new FakeDestination("webhook") { YieldFirst = true };
        var email = new FakeDestination("email") { YieldFirst = true };
        var options = new ActionsOptions { DispatchBatchSize = 1000 };
        var one = Dispatcher(options, webhook, email);
        var two = Dispatcher(options, webhook, email);

        var summaries = await Task.WhenAll(Task.Run(() => one.DispatchDueAsync(Ct)), Task.Run(() => two.DispatchDueAsync(Ct)));

        Assert.Equal(count, summaries.Sum(s => s.Sent));
        Assert.Equal(count, _store.Replaces);
        Assert.Equal(summaries.Sum(s => s.Due) - count, summaries.Sum(s => s.Conflicts));
        Assert.All(_store.All(), a => Assert.Equal(ActionStatuses.Sent, a.Status));
        Assert.All(_store.All(), a => Assert.Equal(1, a.Attempts));
        foreach (var destination in new[] { webhook, email })
        {
            var delivered = destination.Received.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
            Assert.Equal(actions.Select(a => a.Id).ToHashSet(StringComparer.Ordinal), delivered);
        }
        Assert.Equal(0, (await one.DispatchDueAsync(Ct)).Due);
    }

    [Fact]
    public void The_backoff_starts_within_seconds_grows_and_is_capped_with_a_stable_jitter()
    {
        var options = new ActionsOptions();
        var delays = Enumerable.Range(1, 8).Select(n => options.RetryDelay("order.cancelled:c-1:o-1", n)).ToList();

        Assert.InRange(delays[0], TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(12));
        for (var n = 1; n < 5; n++) Assert.InRange(delays[n].Ticks / (double)delays[n - 1].Ticks, 4 * 0.8 / 1.2, 4 * 1.2 / 0.8);
        Assert.All(delays, d => Assert.True(d <= options.MaxRetryDelay));
        Assert.InRange(delays.Aggregate(TimeSpan.Zero, (a, b) => a + b), TimeSpan.FromHours(6), TimeSpan.FromHours(16));
        Assert.Equal(delays, Enumerable.Range(1, 8).Select(n => new ActionsOptions().RetryDelay("order.cancelled:c-1:o-1", n)));
        var firsts = Enumerable.Range(0, 50).Select(i => options.RetryDelay($"a-{i}", 1)).Distinct().Count();
        Assert.True(firsts > 40, $"only {firsts} distinct first delays over 50 actions");
    }

    [Fact]
    public void Invalid_options_name_each_setting()
    {
        var problems = new ActionsOptions
        {
            MaxAttempts = 0,
            FirstRetryDelay = TimeSpan.Zero,
            MaxRetryDelay = TimeSpan.FromDays(30),
            DispatchBatchSize = 0,
            MaxParallelActions = 0,
            DeliveryTimeout = TimeSpan.Zero,
        }.Validate();

        foreach (var setting in new[] { "MaxAttempts", "FirstRetryDelay", "MaxRetryDelay", "DispatchBatchSize", "MaxParallelActions", "DeliveryTimeout" })
            Assert.Contains(problems, p => p.StartsWith($"Actions:{setting} ", StringComparison.Ordinal));
        Assert.Empty(new ActionsOptions().Validate());
        Assert.Throws<ArgumentException>(() => Dispatcher(new ActionsOptions { MaxAttempts = 0 }));
        Assert.Throws<ArgumentException>(() => Dispatcher(null, new FakeDestination("a"), new FakeDestination("a")));
    }

    /// <summary>A destination answering from a script of outcomes (the last one repeated when <see cref="RepeatLast"/>, else success).</summary>
    private sealed class FakeDestination(string name, params DeliveryOutcome[] script) : IActionDestination
    {
        private readonly string? _accepts;
        private readonly Lock _gate = new();
        private readonly List<ActionDocument> _received = [];
        private int _calls;

        public FakeDestination(string name, string accepts) : this(name) => _accepts = accepts;

        public string Name { get; } = name;
        public bool RepeatLast { get; init; }
        public bool Hang { get; init; }
        public bool YieldFirst { get; init; }
        public Exception? Throw { get; init; }
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Calls => Volatile.Read(ref _calls);

        public IReadOnlyList<ActionDocument> Received
        {
            get
            {
                lock (_gate) return [.. _received];
            }
        }

        public bool Accepts(string actionType) => _accepts is null || _accepts == actionType;

        /// <summary>The task the last call returned.</summary>
        public Task<DeliveryOutcome>? LastCall { get; private set; }

        public Task<DeliveryOutcome> DeliverAsync(ActionDocument action, CancellationToken cancellationToken) => LastCall = DeliverCoreAsync(action, cancellationToken);

        private async Task<DeliveryOutcome> DeliverCoreAsync(ActionDocument action, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            Started.TrySetResult();
            if (YieldFirst) await Task.Yield();
            if (Hang) await Task.Delay(Timeout.Infinite, cancellationToken);
            if (Throw is not null) throw Throw;
            var outcome = call <= script.Length ? script[call - 1] : RepeatLast && script.Length > 0 ? script[^1] : DeliveryOutcome.Success;
            if (outcome.Delivered)
            {
                lock (_gate) _received.Add(action);
            }
            Finished.TrySetResult();
            return outcome;
        }
    }
}
