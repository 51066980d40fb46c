using Azure.Core;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Journey.Adapters.Stream.EventHubs;
using Journey.Domain.Actions;
using Journey.Domain.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Journey.Adapters.Actions.EventHubs;

/// <summary>
/// Delivers actions to an event hub (<c>journey-actions</c> by default), one event per action, for consumers of
/// the shop's own: a Logic App, a Fabric eventstream, a function.
/// <para>
/// <b>The event.</b> The body is <see cref="ActionPayload"/>, the same JSON a webhook receiver gets;
/// <c>MessageId</c> is the action id (the same on every attempt: consumers drop duplicates by it, delivery being
/// at least once); <c>ContentType</c> is <c>application/json</c>; the application properties
/// <c>actionType</c> and <c>customerId</c> let a consumer filter without reading the body. The partition key is
/// the customer id (hashed past 128 characters, as the collector does with <see cref="EventHubsProducer.PartitionKeyOf"/>),
/// so a customer's actions reach a consumer in the order they were sent.
/// </para>
/// <para>
/// <b>Failures.</b> The client retries by itself (the collector's bounded exponential policy, see
/// <see cref="EventHubActionOptions"/>); what still fails becomes the outcome, never an exception. A hub that does
/// not exist, an identity without the right to send, and an event over the hub's size limit give the destination
/// up for the action (trying again cannot help); anything else (a busy or unreachable service, a timeout, a token
/// the credential could not get) is tried again by the outbox.
/// </para>
/// </summary>
public sealed class EventHubActionDestination : IActionDestination, IAsyncDisposable, IDisposable
{
    /// <summary>The application property holding the action type.</summary>
    public const string ActionTypeProperty = "actionType";

    /// <summary>The application property holding the customer id.</summary>
    public const string CustomerIdProperty = "customerId";

    private const string JsonContentType = "application/json";

    private readonly EventHubProducerClient _client;
    private readonly bool _ownsClient;
    private readonly HashSet<string>? _types;
    private readonly ILogger _logger;
    private readonly string _namespace;
    private readonly string _hub;
    private int _disposed;

    /// <summary>A destination over <paramref name="client"/>.</summary>
    /// <param name="client">The client (from <see cref="CreateClient"/>, or a mock in tests).</param>
    /// <param name="options">Validated settings: the type filter, and the namespace and hub for messages (the connection itself is the client's).</param>
    /// <param name="logger">Deliveries and failures.</param>
    /// <param name="ownsClient">Close the client when the destination is disposed.</param>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public EventHubActionDestination(EventHubProducerClient client, EventHubActionOptions options, ILogger<EventHubActionDestination>? logger = null, bool ownsClient = true)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (!options.IsConfigured || problems.Count > 0)
            throw new ArgumentException(problems.Count > 0 ? string.Join(" ", problems) : $"Set {EventHubActionOptions.NamespaceSetting} or {EventHubActionOptions.ConnectionStringSetting}.", nameof(options));
        _client = client;
        _ownsClient = ownsClient;
        var producerOptions = options.ToProducerOptions();
        _namespace = producerOptions.ResolveNamespace();
        _hub = producerOptions.HubName;
        _types = options.Types.Count == 0 ? null : new HashSet<string>(options.Types.Select(t => t.Trim()), StringComparer.Ordinal);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Name = "eventhub:" + _hub;
    }

    /// <summary><c>eventhub:{hub}</c>, the key of its deliveries in <see cref="ActionDocument.Deliveries"/>.</summary>
    public string Name { get; }

    /// <summary>
    /// The client for <paramref name="options"/>, built as the collector's is (<see cref="EventHubsProducer.CreateClient"/>):
    /// the connection string when set, else the namespace with <paramref name="credential"/> (the app's one
    /// <see cref="TokenCredential"/>), the bounded retry policy.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public static EventHubProducerClient CreateClient(EventHubActionOptions options, TokenCredential? credential)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));
        return EventHubsProducer.CreateClient(options.ToProducerOptions(), credential, "actions");
    }

    public bool Accepts(string actionType) => _types is null || _types.Contains(actionType);

    /// <summary>The event of an action: the body, id, content type and properties described on the class.</summary>
    public static EventData ToEventData(ActionDocument action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var data = new EventData(ActionPayload.ToUtf8(action)) { MessageId = action.Id, ContentType = JsonContentType };
        data.Properties[ActionTypeProperty] = action.ActionType;
        data.Properties[CustomerIdProperty] = action.CustomerId;
        return data;
    }

    public async Task<DeliveryOutcome> DeliverAsync(ActionDocument action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var data = ToEventData(action);
        DeliveryOutcome outcome;
        Exception? failure = null;
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var batchOptions = new CreateBatchOptions { PartitionKey = EventHubsProducer.PartitionKeyOf(action.CustomerId) };
            using var batch = await _client.CreateBatchAsync(batchOptions, cancellationToken).ConfigureAwait(false);
            if (!batch.TryAdd(data))
            {
                outcome = DeliveryOutcome.GiveUp(
                    $"Event Hubs {_namespace}/{_hub}: the action's event ({data.EventBody.ToMemory().Length} bytes) is larger than the hub takes ({batch.MaximumSizeInBytes} bytes).");
            }
            else
            {
                await _client.SendAsync(batch, cancellationToken).ConfigureAwait(false);
                outcome = DeliveryOutcome.Success;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // the caller (the dispatcher's timeout, or shutdown) gave up: not an outcome of the hub
        }
        catch (Exception ex)
        {
            failure = ex;
            outcome = OutcomeOf(ex, _namespace, _hub);
        }

        if (outcome.Delivered) _logger.Delivered(Name, action.Id);
        else if (outcome.Permanent) _logger.GivenUp(failure, Name, action.Id, outcome.Error);
        else _logger.WillRetry(failure, Name, action.Id, outcome.Error);
        return outcome;
    }

    /// <summary>
    /// What a failed send means for the action: the hub or namespace not found, no right to send, or an event too large
    /// give up; anything else (transient or not, after the client's own retries) is tried again later. The error
    /// names the namespace and hub.
    /// </summary>
    public static DeliveryOutcome OutcomeOf(Exception exception, string @namespace, string hub)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var where = $"Event Hubs {@namespace}/{hub}";
        return exception switch
        {
            UnauthorizedAccessException => DeliveryOutcome.GiveUp(
                $"{where}: not authorized to send ({exception.Message}); the app's identity needs the role Azure Event Hubs Data Sender on the hub or its namespace."),
            EventHubsException { Reason: EventHubsException.FailureReason.ResourceNotFound } => DeliveryOutcome.GiveUp(
                $"{where}: the event hub or the namespace does not exist ({exception.Message}); create it (infra/ does) or correct {EventHubActionOptions.NameSetting} / {EventHubActionOptions.NamespaceSetting}."),
            EventHubsException { Reason: EventHubsException.FailureReason.MessageSizeExceeded } => DeliveryOutcome.GiveUp(
                $"{where}: the action's event is larger than the hub takes ({exception.Message})."),
            EventHubsException hubs => DeliveryOutcome.Retry($"{where}: {hubs.Reason}{(hubs.IsTransient ? ", transient" : "")} ({exception.Message})."),
            _ => DeliveryOutcome.Retry($"{where}: {exception.GetType().Name} ({exception.Message})."),
        };
    }

    /// <summary>Closes the client (when owned); deliveries after this are failures to retry.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_ownsClient) await _client.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the client (when owned), waiting for it: a host disposed synchronously still closes the AMQP connection.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
