using Azure.Messaging.EventHubs;
using Journey.Adapters.Actions.EventHubs;
using Journey.Adapters.Actions.Webhooks;
using Journey.Application.Actions;
using Journey.Domain.Actions;
using Journey.Domain.Ports;
using Journey.Testing;
using Journey.Testing.Stream;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Adapters.Tests.Actions.EventHubs;

/// <summary>
/// The outbox dispatcher with a real webhook destination (a receiver on 127.0.0.1) and the Event Hub destination
/// (a mocked producer): whatever the hub does, failing for good, failing for now or hanging, the webhook gets its
/// delivery once and the hub's outcome is kept for the hub alone.
/// </summary>
public sealed class EventHubBesideWebhookDispatchTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);
    private const string Hub = "eventhub:journey-actions";
    private const string Webhook = "webhook:default";

    private readonly FakeTimeProvider _clock = new(T0);
    private readonly InMemoryActionStore _store = new();
    private readonly MockEventHub _hub = new();
    private readonly ActionsOptions _options = new();
    private WebhookReceiver _receiver = null!;
    private WebhookDestination _webhook = null!;
    private EventHubActionDestination _eventHub = null!;
    private ActionDispatcher _dispatcher = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _webhook = new WebhookDestination(
            new WebhookEndpoint("default", _receiver.Url, StandardWebhookSignerTests.NewSecret(32), [], TimeSpan.FromSeconds(10)),
            _clock, NullLogger<WebhookDestination>.Instance);
        _eventHub = EventHubActionDestinationTests.Destination(_hub);
        _dispatcher = new ActionDispatcher(_store, [_eventHub, _webhook], _options, _clock, NullLogger<ActionDispatcher>.Instance);
        await _store.AddAsync([WebhookDestinationTests.Action()], CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _webhook.Dispose();
        await _eventHub.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private ActionDocument Stored() => _store.Find(WebhookDestinationTests.Action().Id)!;

    /// <summary>The action's status, then the hub's and the webhook's delivery status.</summary>
    private static (string Action, string Hub, string Webhook) Statuses(ActionDocument action) =>
        (action.Status, action.Deliveries[Hub].Status, action.Deliveries[Webhook].Status);

    [Fact]
    public async Task Both_destinations_get_the_action_once_when_both_work()
    {
        var summary = await _dispatcher.DispatchDueAsync(CancellationToken.None);

        Assert.Equal(1, summary.Sent);
        Assert.Equal(2, summary.Deliveries);
        var action = Stored();
        Assert.Equal((ActionStatuses.Sent, ActionStatuses.Sent, ActionStatuses.Sent), Statuses(action));
        Assert.Single(_receiver.Requests);
        Assert.Equal(action.Id, Assert.Single(Assert.Single(_hub.Sent).Data).MessageId);
    }

    [Fact]
    public async Task A_hub_that_refuses_for_good_fails_alone_and_the_webhook_is_delivered()
    {
        _hub.OnSend = (_, _) => throw new UnauthorizedAccessException("'Send' claim(s) are required");

        var summary = await _dispatcher.DispatchDueAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromDays(1));
        var later = await _dispatcher.DispatchDueAsync(CancellationToken.None);

        Assert.Equal(1, summary.Failed);
        Assert.Equal(1, summary.Deliveries);
        Assert.Equal(0, later.Due);
        var action = Stored();
        Assert.Equal((ActionStatuses.Failed, ActionStatuses.Failed, ActionStatuses.Sent), Statuses(action));
        Assert.Contains("journey-actions", action.Deliveries[Hub].LastError, StringComparison.Ordinal);
        Assert.Null(action.Deliveries[Webhook].LastError);
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task A_hub_that_fails_for_now_is_retried_alone_and_the_webhook_is_not_called_again()
    {
        var sends = 0;
        _hub.OnSend = (_, _) => Interlocked.Increment(ref sends) == 1
            ? throw new EventHubsException(isTransient: true, "journey-actions", EventHubsException.FailureReason.ServiceBusy)
            : Task.CompletedTask;

        var first = await _dispatcher.DispatchDueAsync(CancellationToken.None);
        var pending = Stored();
        _clock.Advance(pending.NextAttemptAt!.Value - T0);
        var second = await _dispatcher.DispatchDueAsync(CancellationToken.None);

        Assert.Equal(1, first.Retrying);
        Assert.Equal((ActionStatuses.Pending, ActionStatuses.Pending, ActionStatuses.Sent), Statuses(pending));
        Assert.Equal(1, second.Sent);
        var action = Stored();
        Assert.Equal((ActionStatuses.Sent, ActionStatuses.Sent, ActionStatuses.Sent), Statuses(action));
        Assert.Equal(2, action.Deliveries[Hub].Attempts);
        Assert.Equal(1, action.Deliveries[Webhook].Attempts);
        Assert.Single(_receiver.Requests);
        Assert.Single(_hub.Sent);
    }

    [Fact]
    public async Task A_hub_that_hangs_does_not_hold_the_webhook_and_is_cut_at_the_delivery_timeout()
    {
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hub.OnSend = async (_, ct) =>
        {
            sending.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        var webhookDone = new TaskCompletionSource<DeliveryOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var observed = new ObservedDestination(_webhook, webhookDone);
        var dispatcher = new ActionDispatcher(_store, [_eventHub, observed], _options, _clock, NullLogger<ActionDispatcher>.Instance);

        var dispatch = dispatcher.DispatchDueAsync(CancellationToken.None);
        await sending.Task;
        var webhookOutcome = await webhookDone.Task;
        Assert.True(webhookOutcome.Delivered, webhookOutcome.Error);
        Assert.False(dispatch.IsCompleted);
        _clock.Advance(_options.DeliveryTimeout);
        var summary = await dispatch;

        Assert.Equal(1, summary.Retrying);
        var action = Stored();
        Assert.Equal((ActionStatuses.Pending, ActionStatuses.Pending, ActionStatuses.Sent), Statuses(action));
        Assert.Contains("timed out", action.Deliveries[Hub].LastError, StringComparison.Ordinal);
        Assert.Empty(_hub.Sent);
    }

    /// <summary>A destination that reports when its delivery ended.</summary>
    private sealed class ObservedDestination(IActionDestination inner, TaskCompletionSource<DeliveryOutcome> done) : IActionDestination
    {
        public string Name => inner.Name;

        public bool Accepts(string actionType) => inner.Accepts(actionType);

        public async Task<DeliveryOutcome> DeliverAsync(ActionDocument action, CancellationToken cancellationToken)
        {
            var outcome = await inner.DeliverAsync(action, cancellationToken);
            done.TrySetResult(outcome);
            return outcome;
        }
    }
}
