using System.Net.Sockets;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Journey.Adapters.Actions;
using Journey.Adapters.Actions.EventHubs;
using Journey.Adapters.Actions.Webhooks;
using Journey.Adapters.Stream.EventHubs;
using Journey.Domain.Actions;
using Journey.Testing.Stream;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Journey.Adapters.Tests.Actions.EventHubs;

/// <summary>
/// The Event Hub destination over a mocked <see cref="EventHubProducerClient"/> (Moq, batches from
/// <see cref="EventHubsModelFactory.EventDataBatch"/>, see <see cref="MockEventHub"/>): the event it sends, the type
/// filter, and what each failure means for the action.
/// </summary>
public sealed class EventHubActionDestinationTests
{
    private const string Namespace = MockEventHub.Namespace;
    private static readonly CancellationToken Ct = CancellationToken.None;

    internal static EventHubActionOptions Options(Action<EventHubActionOptions>? configure = null)
    {
        var options = new EventHubActionOptions { FullyQualifiedNamespace = Namespace };
        configure?.Invoke(options);
        return options;
    }

    internal static EventHubActionDestination Destination(MockEventHub hub, EventHubActionOptions? options = null) =>
        new(hub.Client.Object, options ?? Options(), NullLogger<EventHubActionDestination>.Instance);

    private static ActionDocument Action(string customerId = "c-42", string trigger = "o-7", string type = ActionTypes.OrderCancelled)
    {
        var sample = WebhookDestinationTests.Action();
        return new ActionDocument
        {
            Id = ActionDocument.IdFor(type, customerId, trigger),
            ActionType = type,
            CustomerId = customerId,
            CreatedAt = sample.CreatedAt,
            DueAt = sample.DueAt,
            Trigger = sample.Trigger,
            Customer = sample.Customer,
        };
    }

    [Fact]
    public async Task The_event_body_is_byte_for_byte_the_body_the_webhook_receiver_gets()
    {
        var hub = new MockEventHub();
        await using var destination = Destination(hub);
        await using var receiver = await WebhookReceiver.StartAsync();
        using var webhook = new WebhookDestination(
            new WebhookEndpoint("default", receiver.Url, StandardWebhookSignerTests.NewSecret(32), [], TimeSpan.FromSeconds(10)),
            new FakeTimeProvider(DateTimeOffset.UnixEpoch), NullLogger<WebhookDestination>.Instance);
        var action = WebhookDestinationTests.Action();

        Assert.True((await destination.DeliverAsync(action, Ct)).Delivered);
        Assert.True((await webhook.DeliverAsync(action, Ct)).Delivered);

        var sent = Assert.Single(Assert.Single(hub.Sent).Data);
        Assert.Equal(Assert.Single(receiver.Requests).Body, sent.EventBody.ToArray());
        Assert.Equal(ActionPayload.ToUtf8(action), sent.EventBody.ToArray());
    }

    [Fact]
    public async Task The_event_carries_the_action_id_as_message_id_json_content_type_and_the_type_and_customer_as_properties()
    {
        var hub = new MockEventHub();
        await using var destination = Destination(hub);
        var action = Action();

        var outcome = await destination.DeliverAsync(action, Ct);

        Assert.True(outcome.Delivered, outcome.Error);
        var batch = Assert.Single(hub.Sent);
        Assert.Equal("c-42", batch.PartitionKey);
        var data = Assert.Single(batch.Data);
        Assert.Equal("order.cancelled:c-42:o-7", data.MessageId);
        Assert.Equal("application/json", data.ContentType);
        Assert.Equal(ActionTypes.OrderCancelled, data.Properties[EventHubActionDestination.ActionTypeProperty]);
        Assert.Equal("c-42", data.Properties[EventHubActionDestination.CustomerIdProperty]);
        Assert.Equal(2, data.Properties.Count);
    }

    [Fact]
    public async Task Every_attempt_of_an_action_sends_the_same_message_id_and_body()
    {
        var hub = new MockEventHub();
        var sends = 0;
        hub.OnSend = (_, _) => ++sends == 1 ? throw new EventHubsException(isTransient: true, "busy", EventHubsException.FailureReason.ServiceBusy) : Task.CompletedTask;
        await using var destination = Destination(hub);
        var action = Action();

        var first = await destination.DeliverAsync(action, Ct);
        var second = await destination.DeliverAsync(action, Ct);

        Assert.False(first.Delivered);
        Assert.True(second.Delivered);
        Assert.Equal(2, hub.BatchesCreated);
        var data = Assert.Single(Assert.Single(hub.Sent).Data);
        Assert.Equal(action.Id, data.MessageId);
        Assert.Equal(ActionPayload.ToUtf8(action), data.EventBody.ToArray());
    }

    [Fact]
    public async Task The_partition_key_is_the_customer_so_a_customers_actions_stay_in_one_partition_in_order()
    {
        var hub = new MockEventHub();
        await using var destination = Destination(hub);
        var longId = new string('x', 200);
        var actions = new[] { Action("c-1", "t1"), Action("c-2", "t1"), Action("c-1", "t2"), Action(longId, "t1"), Action("c-1", "t3") };

        foreach (var action in actions) Assert.True((await destination.DeliverAsync(action, Ct)).Delivered);

        var byKey = hub.Sent.GroupBy(b => b.PartitionKey).ToDictionary(g => g.Key, g => g.SelectMany(b => b.Data).Select(d => d.MessageId).ToList());
        Assert.Equal(new[] { "c-1", "c-2", EventHubsProducer.PartitionKeyOf(longId) }.Order(StringComparer.Ordinal), byKey.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([actions[0].Id, actions[2].Id, actions[4].Id], byKey["c-1"]);
        Assert.StartsWith("sha256:", EventHubsProducer.PartitionKeyOf(longId), StringComparison.Ordinal);
        Assert.All(hub.Sent, b => Assert.Single(b.Data));
    }

    [Fact]
    public async Task The_type_filter_decides_what_it_accepts_and_empty_means_all()
    {
        var hub = new MockEventHub();
        await using var all = Destination(hub);
        await using var filtered = Destination(hub, Options(o =>
        {
            o.Name = "crm-actions";
            o.Types = [ActionTypes.CartAbandoned, " " + ActionTypes.WinBack + " "];
        }));

        Assert.Equal("eventhub:journey-actions", all.Name);
        Assert.Equal("eventhub:crm-actions", filtered.Name);
        Assert.All(ActionTypes.All, t => Assert.True(all.Accepts(t)));
        Assert.Equal([ActionTypes.CartAbandoned, ActionTypes.WinBack], ActionTypes.All.Where(filtered.Accepts));
    }

    public static TheoryData<Exception> RetriedFailures() => new()
    {
        new EventHubsException(isTransient: true, "journey-actions", EventHubsException.FailureReason.ServiceBusy),
        new EventHubsException(isTransient: true, "journey-actions", EventHubsException.FailureReason.ServiceTimeout),
        new EventHubsException(isTransient: true, "journey-actions", EventHubsException.FailureReason.ServiceCommunicationProblem),
        new EventHubsException(isTransient: false, "journey-actions", EventHubsException.FailureReason.QuotaExceeded),
        new EventHubsException(isTransient: false, "journey-actions", EventHubsException.FailureReason.ClientClosed),
        new SocketException((int)SocketError.HostNotFound),
        new TimeoutException("no answer"),
        new Azure.Identity.AuthenticationFailedException("the managed identity endpoint did not answer"),
    };

    [Theory]
    [MemberData(nameof(RetriedFailures))]
    public async Task Transient_or_unknown_failures_are_tried_again_and_named(Exception failure)
    {
        var hub = new MockEventHub { OnSend = (_, _) => throw failure };
        await using var destination = Destination(hub);

        var outcome = await destination.DeliverAsync(Action(), Ct);

        Assert.False(outcome.Delivered);
        Assert.False(outcome.Permanent);
        Assert.False(outcome.Skipped);
        Assert.Contains($"{Namespace}/journey-actions", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(hub.Sent);
    }

    [Fact]
    public async Task An_identity_without_the_right_to_send_gives_the_destination_up_naming_the_hub_and_the_role()
    {
        var hub = new MockEventHub { OnSend = (_, _) => throw new UnauthorizedAccessException("Unauthorized access. 'Send' claim(s) are required to perform this operation.") };
        await using var destination = Destination(hub);

        var outcome = await destination.DeliverAsync(Action(), Ct);

        Assert.True(outcome.Permanent);
        Assert.Contains($"Event Hubs {Namespace}/journey-actions", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("Azure Event Hubs Data Sender", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("'Send' claim", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hub_that_does_not_exist_gives_the_destination_up_naming_the_hub_the_namespace_and_the_settings()
    {
        var hub = new MockEventHub();
        // The link is opened when the first batch is created: that is where a missing hub shows.
        hub.Client.Setup(c => c.CreateBatchAsync(It.IsAny<CreateBatchOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new EventHubsException(isTransient: false, "journey-actions", EventHubsException.FailureReason.ResourceNotFound));
        await using var destination = Destination(hub);

        var outcome = await destination.DeliverAsync(Action(), Ct);

        Assert.True(outcome.Permanent);
        Assert.Contains($"Event Hubs {Namespace}/journey-actions", outcome.Error, StringComparison.Ordinal);
        Assert.Contains(EventHubActionOptions.NameSetting, outcome.Error, StringComparison.Ordinal);
        Assert.Contains(EventHubActionOptions.NamespaceSetting, outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_action_larger_than_an_empty_batch_holds_is_given_up_and_nothing_is_sent()
    {
        var action = Action();
        var hub = new MockEventHub(batchBodyLimit: ActionPayload.ToUtf8(action).Length - 1);
        await using var destination = Destination(hub);

        var outcome = await destination.DeliverAsync(action, Ct);

        Assert.True(outcome.Permanent);
        Assert.Contains("larger than the hub takes", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(hub.Sent);
        hub.Client.Verify(c => c.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_size_refusal_of_the_service_is_given_up_too()
    {
        var hub = new MockEventHub { OnSend = (_, _) => throw new EventHubsException(isTransient: false, "journey-actions", EventHubsException.FailureReason.MessageSizeExceeded) };
        await using var destination = Destination(hub);

        var outcome = await destination.DeliverAsync(Action(), Ct);

        Assert.True(outcome.Permanent);
        Assert.Contains("larger than the hub takes", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_an_outcome()
    {
        var hub = new MockEventHub();
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.OnSend = async (_, ct) =>
        {
            sending.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        await using var destination = Destination(hub);
        using var cts = new CancellationTokenSource();

        var delivery = destination.DeliverAsync(Action(), cts.Token);
        await sending.Task;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delivery);
    }

    [Fact]
    public async Task After_disposal_a_delivery_is_a_failure_to_retry_and_the_client_was_closed()
    {
        var hub = new MockEventHub();
        var destination = Destination(hub);

        await destination.DisposeAsync();
        var outcome = await destination.DeliverAsync(Action(), Ct);

        Assert.False(outcome.Delivered);
        Assert.False(outcome.Permanent);
        Assert.Contains(nameof(ObjectDisposedException), outcome.Error, StringComparison.Ordinal);
        hub.Client.Verify(c => c.DisposeAsync(), Times.Once);
        Assert.Equal(0, hub.BatchesCreated);
    }

    [Fact]
    public void Invalid_or_missing_settings_are_refused_at_construction()
    {
        var hub = new MockEventHub();

        var missing = Assert.Throws<ArgumentException>(() => new EventHubActionDestination(hub.Client.Object, new EventHubActionOptions()));
        var badType = Assert.Throws<ArgumentException>(() => new EventHubActionDestination(hub.Client.Object, Options(o => o.Types = ["cart.forgotten"])));

        Assert.Contains(EventHubActionOptions.NamespaceSetting, missing.Message, StringComparison.Ordinal);
        Assert.Contains("Actions__EventHub__Types__0 'cart.forgotten'", badType.Message, StringComparison.Ordinal);
    }
}
