using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Journey.Adapters.Stream.EventHubs;

/// <summary>
/// The collector's producer to Azure Event Hubs, over <see cref="EventHubProducerClient"/> (AMQP).
/// <para>
/// <b>What goes where.</b> Each event is one Event Hubs event whose body is the event's JSON (what the
/// processor reads) and whose partition key is its profile key (userId, else anonymousId), so all of a
/// profile's events land in one partition, in order. An append groups its events by partition key (a
/// pixel hit or a Segment call: one group; a batch or an import chunk: one per profile) and fills an
/// <see cref="EventDataBatch"/> per group (<c>CreateBatchAsync</c> with <see cref="CreateBatchOptions.PartitionKey"/>),
/// which knows the hub's size limit: a batch that fills up is closed and a new one started. Every batch
/// is built before anything is sent, so an event too large for an empty batch fails the call with an
/// <see cref="ArgumentException"/> and nothing sent (the collector refuses events over 32 KB, so this is
/// a guard, not a path).
/// </para>
/// <para>
/// <b>Direct sends, not the buffered producer.</b> <see cref="AppendAsync"/> sends its own batches
/// (<c>SendAsync</c>, one per partition-key batch; a key's batches one after the other, so a profile's
/// order holds across them; different keys concurrently, at most <see cref="EventHubsOptions.MaxConcurrentSends"/>)
/// and returns only when the service has acknowledged every one: the port's promise that an answered
/// request is durable holds by construction, and concurrent requests send concurrently over the client's
/// one AMQP link (the client is thread-safe). <c>EventHubBufferedProducerClient</c> was not taken: its
/// <c>EnqueueEventsAsync</c> returns once the events are in its memory, and success or failure comes later
/// through <c>SendEventBatchSucceededAsync</c>/<c>SendEventBatchFailedAsync</c> per batch it made up, so
/// answering a request only once its events are durable would take a completion per event matched in
/// those handlers, plus its <c>MaximumWaitTime</c> of added latency per request, and a failed batch is
/// reported for events of several requests at once. What it would save (fewer sends when many profiles
/// hit one partition at once) costs microseconds of CPU per request with direct sends (see the
/// <c>producer</c> benchmark), far from what the hub's throughput units allow.
/// </para>
/// <para>
/// <b>Failures.</b> The client retries by itself (<see cref="EventHubsOptions"/>: exponential, a bounded
/// number of retries, a <c>TryTimeout</c> per attempt). When a batch still fails, the call throws
/// <see cref="StreamUnavailableException"/> with <see cref="EventHubsOptions.RetryAfter"/> (the collector
/// answers 503 with <c>Retry-After</c>); batches of other profiles of the same call may have been sent by
/// then. The client retries the whole call and the processor drops the duplicates by messageId, so
/// at-least-once is all that is promised, as the port says.
/// </para>
/// </summary>
public sealed class EventHubsProducer : IEventStream, IAsyncDisposable, IDisposable
{
    /// <summary>The longest partition key the service takes; longer profile keys are hashed.</summary>
    public const int MaxPartitionKeyLength = 128;

    private const string JsonContentType = "application/json";

    private const int MaxKeptBufferBytes = 256 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly EventHubProducerClient _client;
    private readonly bool _ownsClient;
    private readonly EventHubsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _namespace;
    private readonly string _hub;

    private long _batchesSent;
    private long _eventsSent;
    private long _healthCheckedAt;
    private int _healthy;
    private int _disposed;

    /// <summary>A producer over <paramref name="client"/>.</summary>
    /// <param name="client">The client (from <see cref="CreateClient"/>, or a mock in tests).</param>
    /// <param name="options">Validated settings: the tuning, and the namespace and hub for messages (the connection itself is the client's).</param>
    /// <param name="timeProvider">Clock of the health cache and the probe's timeout.</param>
    /// <param name="logger">Failed sends and probes.</param>
    /// <param name="ownsClient">Close the client when the producer is disposed.</param>
    /// <exception cref="InvalidOperationException">The options name no namespace (neither setting nor connection string).</exception>
    public EventHubsProducer(EventHubProducerClient client, EventHubsOptions options, TimeProvider? timeProvider = null, ILogger<EventHubsProducer>? logger = null, bool ownsClient = true)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options;
        _namespace = options.ResolveNamespace();
        _hub = options.HubName;
        _ownsClient = ownsClient;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Batches the hub acknowledged.</summary>
    public long BatchesSent => Interlocked.Read(ref _batchesSent);

    /// <summary>Events the hub acknowledged.</summary>
    public long EventsSent => Interlocked.Read(ref _eventsSent);

    /// <summary>
    /// The client for <paramref name="options"/>: with the connection string when set, else the
    /// namespace with <paramref name="credential"/> (the app's one <see cref="TokenCredential"/>). The
    /// retry policy is the options' (exponential, bounded).
    /// </summary>
    /// <param name="role">What the client is for, in its identifier (<c>journey-{role}-{machine}</c>): the collector's stream, the actions' hub.</param>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    /// <exception cref="ArgumentNullException">Identity-based options without a credential.</exception>
    public static EventHubProducerClient CreateClient(EventHubsOptions options, TokenCredential? credential, string role = "collector")
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));

        var clientOptions = CreateClientOptions(options, role);
        if (options.UsesConnectionString)
        {
            // A connection string that names its hub (EntityPath) may not be given the name again.
            var namesItsHub = options.TryParseConnectionString(out var parsed, out _) && !string.IsNullOrEmpty(parsed.EventHubName);
            return !namesItsHub
                ? new EventHubProducerClient(options.ConnectionString, options.HubName, clientOptions)
                : new EventHubProducerClient(options.ConnectionString, clientOptions);
        }

        ArgumentNullException.ThrowIfNull(credential);
        return new EventHubProducerClient(options.ResolveNamespace(), options.HubName, credential, clientOptions);
    }

    /// <summary>The client options: the retry policy from <paramref name="options"/>, AMQP over TCP.</summary>
    /// <param name="role">What the client is for, in its identifier (<c>journey-{role}-{machine}</c>).</param>
    public static EventHubProducerClientOptions CreateClientOptions(EventHubsOptions options, string role = "collector")
    {
        ArgumentNullException.ThrowIfNull(options);
        return new EventHubProducerClientOptions
        {
            Identifier = $"journey-{role}-{Environment.MachineName}",
            RetryOptions = new EventHubsRetryOptions
            {
                Mode = EventHubsRetryMode.Exponential,
                MaximumRetries = options.MaxRetries,
                Delay = options.RetryDelay,
                MaximumDelay = options.MaxRetryDelay,
                TryTimeout = options.TryTimeout,
            },
        };
    }

    /// <summary>
    /// The partition key of a profile: the profile key itself, or, over 128 characters (the service's
    /// limit), a stable <c>sha256:&lt;hex&gt;</c> of it, so every event of the profile still lands in one
    /// partition (the processor takes the profile from the body, never from the partition key).
    /// </summary>
    public static string PartitionKeyOf(string profileKey)
    {
        ArgumentNullException.ThrowIfNull(profileKey);
        return profileKey.Length <= MaxPartitionKeyLength
            ? profileKey
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(profileKey)));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An event has neither userId nor anonymousId, or does not fit in an empty batch; nothing was sent.</exception>
    public async Task AppendAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0) return;
        if (Volatile.Read(ref _disposed) != 0)
            throw new StreamUnavailableException($"The Event Hubs producer for {_namespace}/{_hub} is shut down.", retryAfter: _options.RetryAfter);

        var groups = Group(events);
        try
        {
            try
            {
                foreach (var group in groups) await FillAsync(group, cancellationToken);
            }
            catch (ArgumentException)
            {
                throw; // too large for any batch: a retry would not help
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Unavailable(ex, events.Count, "could not prepare a batch");
            }

            try
            {
                if (groups.Count == 1)
                {
                    await SendAsync(groups[0], cancellationToken);
                }
                else if (groups.Count <= _options.MaxConcurrentSends)
                {
                    // All at once (the usual case): cheaper than a scheduler, and every send ends before the call does.
                    var sends = new Task[groups.Count];
                    for (var i = 0; i < groups.Count; i++) sends[i] = SendAsync(groups[i], cancellationToken);
                    await Task.WhenAll(sends);
                }
                else
                {
                    var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentSends, CancellationToken = cancellationToken };
                    await Parallel.ForEachAsync(groups, parallel, (group, ct) => new ValueTask(SendAsync(group, ct)));
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Unavailable(ex, events.Count, "did not accept the events");
            }
        }
        finally
        {
            foreach (var group in groups) group.Dispose();
        }

        Interlocked.Add(ref _eventsSent, events.Count);
        RememberHealth(true);
    }

    /// <summary>
    /// True when the hub answered for its properties within <see cref="EventHubsOptions.HealthTimeout"/>,
    /// or an append succeeded, within the last <see cref="EventHubsOptions.HealthCacheDuration"/>; false
    /// when the probe or the last append failed. Never throws.
    /// </summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0) return false;
        var checkedAt = Volatile.Read(ref _healthCheckedAt);
        if (checkedAt != 0 && _time.GetElapsedTime(checkedAt) < _options.HealthCacheDuration) return Volatile.Read(ref _healthy) != 0;

        try
        {
            using var timeout = new CancellationTokenSource(_options.HealthTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            await _client.GetEventHubPropertiesAsync(linked.Token);
            RememberHealth(true);
            return true;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            return false; // the caller left: nothing learnt about the hub
        }
        catch (Exception ex)
        {
            _logger.NotReachable(ex, _namespace, _hub, _options.HealthTimeout);
            RememberHealth(false);
            return false;
        }
    }

    /// <summary>Closes the client (when owned); appends after this throw <see cref="StreamUnavailableException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_ownsClient) await _client.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the client (when owned), waiting for it: a host disposed synchronously (the commands) still closes the AMQP connection.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // ---------------------------------------------------------------- grouping and batching

    /// <summary>The events grouped by partition key, in the order each key first appears, each group in the events' order.</summary>
    private static List<PartitionGroup> Group(IReadOnlyList<JourneyEvent> events)
    {
        var first = PartitionKeyOf(ProfileKeyOf(events[0], 0));
        var single = true;
        for (var i = 1; i < events.Count && single; i++)
            single = string.Equals(PartitionKeyOf(ProfileKeyOf(events[i], i)), first, StringComparison.Ordinal);
        if (single) return [new PartitionGroup(first, events)];

        var byKey = new Dictionary<string, List<JourneyEvent>>(StringComparer.Ordinal);
        var groups = new List<PartitionGroup>();
        for (var i = 0; i < events.Count; i++)
        {
            var key = PartitionKeyOf(ProfileKeyOf(events[i], i));
            if (!byKey.TryGetValue(key, out var list))
            {
                list = [];
                byKey.Add(key, list);
                groups.Add(new PartitionGroup(key, list));
            }

            list.Add(events[i]);
        }

        return groups;
    }

    private static string ProfileKeyOf(JourneyEvent? evt, int index)
    {
        if (evt is null) throw new ArgumentException($"Event {index} of the batch is null.");
        return evt.UserId ?? evt.AnonymousId ?? throw new ArgumentException($"Event {evt.MessageId} has neither userId nor anonymousId.");
    }

    /// <summary>Fills the group's batches: a batch that is full is kept and a new one started.</summary>
    private async Task FillAsync(PartitionGroup group, CancellationToken cancellationToken)
    {
        var batchOptions = new CreateBatchOptions { PartitionKey = group.PartitionKey };
        var batch = await _client.CreateBatchAsync(batchOptions, cancellationToken);
        group.Batches.Add(batch);
        foreach (var evt in group.Events)
        {
            var data = new EventData(Encode(evt)) { ContentType = JsonContentType, MessageId = evt.MessageId };
            if (batch.TryAdd(data)) continue;
            if (batch.Count == 0) throw TooLarge(evt, data, batch);

            batch = await _client.CreateBatchAsync(batchOptions, cancellationToken);
            group.Batches.Add(batch);
            if (!batch.TryAdd(data)) throw TooLarge(evt, data, batch);
        }
    }

    /// <summary>
    /// The event's JSON, the bytes <see cref="JourneyEventJson.ToUtf8"/> makes, written through a buffer and a
    /// writer kept per thread: only the body itself is allocated (ToUtf8 grows a fresh buffer per event,
    /// several times the body's size).
    /// </summary>
    private static byte[] Encode(JourneyEvent evt)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JourneyJson.Options.Encoder });
        writer.Reset(buffer);
        try
        {
            JourneyEventJson.Write(writer, evt);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity > MaxKeptBufferBytes) t_buffer = null; // a huge event leaves no huge buffer behind
        }
    }

    private static ArgumentException TooLarge(JourneyEvent evt, EventData data, EventDataBatch batch) => new(
        $"Event {evt.MessageId} ({data.EventBody.ToMemory().Length} bytes) does not fit in an empty Event Hubs batch (at most {batch.MaximumSizeInBytes} bytes, the hub's limit); nothing of the call was sent.");

    /// <summary>Sends the group's batches one after the other: the second only once the first was acknowledged, so the profile's order holds.</summary>
    private async Task SendAsync(PartitionGroup group, CancellationToken cancellationToken)
    {
        foreach (var batch in group.Batches)
        {
            await _client.SendAsync(batch, cancellationToken);
            Interlocked.Increment(ref _batchesSent);
        }
    }

    private StreamUnavailableException Unavailable(Exception ex, int eventCount, string what)
    {
        var reason = ex is EventHubsException hubs ? $"{hubs.Reason}{(hubs.IsTransient ? ", transient" : "")}" : ex.GetType().Name;
        _logger.NotAccepted(ex, _namespace, _hub, eventCount, what, reason);
        RememberHealth(false);
        return new StreamUnavailableException(
            $"Event Hubs {_namespace}/{_hub} {what} ({reason}: {ex.Message}) after the client's retries.",
            ex,
            _options.RetryAfter);
    }

    private void RememberHealth(bool healthy)
    {
        Volatile.Write(ref _healthy, healthy ? 1 : 0);
        Volatile.Write(ref _healthCheckedAt, _time.GetTimestamp());
    }

    /// <summary>One partition key's events of an append and the batches they fill.</summary>
    private sealed class PartitionGroup(string partitionKey, IReadOnlyList<JourneyEvent> events) : IDisposable
    {
        public string PartitionKey { get; } = partitionKey;

        public IReadOnlyList<JourneyEvent> Events { get; } = events;

        public List<EventDataBatch> Batches { get; } = new(1);

        public void Dispose()
        {
            foreach (var batch in Batches) batch.Dispose();
        }
    }
}
