using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Azure.Core;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Journey.Adapters.Stream.EventHubs;

/// <summary>
/// The collector's producer to Azure Event Hubs, over the REST API ("send batch events":
/// <c>POST https://{namespace}/{hub}/messages?timeout=…&amp;api-version=2014-01</c>), since
/// Azure.Messaging.EventHubs cannot be restored here. Auth is a SAS token signed from a connection
/// string, or a Microsoft Entra token from Azure.Identity (see <see cref="EventHubsOptions"/>).
/// <para>
/// Micro-batching: <see cref="AppendAsync"/> encodes its events on the caller's thread and queues
/// them. A dispatcher waits <see cref="EventHubsOptions.MaxDelay"/> (≤ 20 ms) after the first
/// queued call, then moves everything queued into one lane per partition key (a request carries one
/// partition key, in its <c>BrokerProperties</c> header). Each lane sends its events in order,
/// one request at a time, as many as fit in <see cref="EventHubsOptions.MaxBatchBytes"/>; events
/// that arrive while a lane is sending go into its next request. So concurrent callers share
/// requests, a profile's events keep their order, and a slow profile holds up no other.
/// </para>
/// <para>
/// A caller completes once every request holding one of its events was acknowledged (2xx). Requests
/// are retried with exponential backoff and jitter on 5xx, 429, 408, timeouts and connection
/// errors, honouring <c>Retry-After</c>; 400, 401, 403, 413 and other 4xx are not retried. When a
/// request finally fails, each caller with an event in it gets <see cref="StreamUnavailableException"/>
/// (its events of other partition keys may have been sent already: the client retries the whole call
/// and the processor drops the duplicates by messageId, so at-least-once is all that is promised).
/// </para>
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "An IEventStream (an Event Hubs event stream), not a System.IO.Stream; the REST producer is replaced by the Azure SDK later, renaming it now only churns the tests.")]
public sealed class EventHubsRestStream : IEventStream, IAsyncDisposable, IDisposable
{
    public const string ApiVersion = "2014-01";

    /// <summary>Calls waiting for the dispatcher before AppendAsync itself waits.</summary>
    private const int QueueCapacity = 4096;

    /// <summary>Encoded bytes waiting in lanes above which the dispatcher stops taking more calls.</summary>
    private const long MaxQueuedBytes = 64L * 1024 * 1024;

    private const int MaxErrorDetailChars = 300;

    private readonly EventHubsOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly IEventHubsAuthorization _auth;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<AppendCall> _queue;
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sendSlots;
    private readonly Task _dispatcher;
    private readonly TaskCompletionSource _lanesDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private long _queuedBytes;
    private int _activeLanes;
    private int _dispatcherExited;
    private int _disposed;

    private long _appendCalls;
    private long _eventsSent;
    private long _requests;
    private long _attempts;
    private long _failedRequests;
    private long _lastSuccessTicks;
    private long _lastFailureTicks;

    /// <summary>Creates the producer and starts its dispatcher.</summary>
    /// <param name="options">Validated on construction.</param>
    /// <param name="httpClient">The client to send with (not disposed here); null: one of our own (<see cref="CreateHttpClient"/>).</param>
    /// <param name="credential">The Microsoft Entra credential when no connection string is set; null: <c>ManagedIdentityCredential</c> (with the client id, when configured) or <c>DefaultAzureCredential</c>.</param>
    /// <param name="timeProvider">Clock and timers (token expiry, the batching window, backoff, timeouts).</param>
    /// <param name="logger">Structured logs of retries and failures.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public EventHubsRestStream(
        IOptions<EventHubsOptions> options,
        HttpClient? httpClient = null,
        TokenCredential? credential = null,
        TimeProvider? timeProvider = null,
        ILogger<EventHubsRestStream>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _options.ThrowIfInvalid();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Namespace = _options.ResolveNamespace();
        HubName = _options.HubName;
        var baseAddress = _options.Endpoint ?? new Uri($"https://{Namespace}/");
        if (!baseAddress.AbsolutePath.EndsWith('/')) baseAddress = new Uri(baseAddress.AbsoluteUri + "/");
        var timeoutSeconds = Math.Max(1, (int)Math.Ceiling(_options.Timeout.TotalSeconds));
        MessagesUri = new Uri(baseAddress, $"{Uri.EscapeDataString(HubName)}/messages?timeout={timeoutSeconds}&api-version={ApiVersion}");
        _auth = IEventHubsAuthorization.Create(_options, Namespace, HubName, credential, _time);

        _ownsHttp = httpClient is null;
        _http = httpClient ?? CreateHttpClient();
        _sendSlots = new SemaphoreSlim(_options.MaxConcurrentRequests, _options.MaxConcurrentRequests);
        _queue = Channel.CreateBounded<AppendCall>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _dispatcher = Task.Run(DispatchLoopAsync);
    }

    /// <summary>The namespace host the events go to (e.g. <c>myns.servicebus.windows.net</c>).</summary>
    public string Namespace { get; }

    /// <summary>The event hub.</summary>
    public string HubName { get; }

    /// <summary>Where batches are posted.</summary>
    public Uri MessagesUri { get; }

    /// <summary>AppendAsync calls whose events were all acknowledged.</summary>
    public long AppendCount => Interlocked.Read(ref _appendCalls);

    /// <summary>Events acknowledged by the hub.</summary>
    public long EventCount => Interlocked.Read(ref _eventsSent);

    /// <summary>Batch requests sent (each counted once, however many attempts it took).</summary>
    public long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>HTTP attempts made (requests plus retries).</summary>
    public long AttemptCount => Interlocked.Read(ref _attempts);

    /// <summary>Batch requests that failed after their retries.</summary>
    public long FailedRequestCount => Interlocked.Read(ref _failedRequests);

    /// <summary>
    /// An <see cref="HttpClient"/> suited to a long-lived producer: pooled connections recycled every
    /// few minutes (DNS changes are seen), no client-wide timeout (each attempt has its own).
    /// </summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An event has neither userId nor anonymousId, or is larger than <see cref="EventHubsOptions.MaxBatchBytes"/> on its own.</exception>
    public async Task AppendAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0) return;
        ThrowIfClosed();
        var call = new AppendCall(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var evt = events[i] ?? throw new ArgumentException($"Event {i} of the batch is null.", nameof(events));
            var profileKey = evt.UserId ?? evt.AnonymousId
                ?? throw new ArgumentException($"Event {evt.MessageId} has neither userId nor anonymousId.", nameof(events));
            var item = EventHubsBatchFormat.EncodeItem(evt, profileKey);
            if (EventHubsBatchFormat.BodySize(1, item.Length) > _options.MaxBatchBytes)
                throw new ArgumentException($"Event {evt.MessageId} takes {item.Length} bytes on the wire, over {EventHubsOptions.SectionName}:MaxBatchBytes ({_options.MaxBatchBytes}).", nameof(events));
            call.Items[i] = new PendingEvent(call, EventHubsBatchFormat.PartitionKeyOf(profileKey), item);
        }

        try
        {
            if (!_queue.Writer.TryWrite(call))
                await _queue.Writer.WriteAsync(call, cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            throw new StreamUnavailableException($"The Event Hubs producer for {Namespace}/{HubName} is shut down.", ex);
        }

        try
        {
            await call.Completion.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Events not yet in a request are skipped; those already sent stay sent (the client retries, the processor dedups).
            call.Completion.TrySetCanceled(cancellationToken);
            throw;
        }

        Interlocked.Increment(ref _appendCalls);
    }

    /// <summary>
    /// True when an auth header can be produced (SAS signed, or an Entra token obtained or cached)
    /// and the last send did not fail within <see cref="EventHubsOptions.UnhealthyAfterFailure"/>.
    /// Sends nothing to the hub.
    /// </summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0 || _dispatcher.IsCompleted) return false;
        var lastFailure = Interlocked.Read(ref _lastFailureTicks);
        if (lastFailure > Interlocked.Read(ref _lastSuccessTicks)
            && _time.GetUtcNow().UtcTicks - lastFailure < _options.UnhealthyAfterFailure.Ticks)
            return false;
        try
        {
            await _auth.GetHeaderAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.NoToken(ex, Namespace, HubName, _auth.Kind);
            return false;
        }
    }

    /// <summary>Stops accepting appends, sends everything already queued (with its retries), then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Writer.TryComplete();
        await _dispatcher.ConfigureAwait(false);
        Interlocked.Exchange(ref _dispatcherExited, 1); // a full fence: a lane that ends now sees it, or we see its count
        if (Volatile.Read(ref _activeLanes) != 0) await _lanesDrained.Task.ConfigureAwait(false);
        if (_ownsHttp) _http.Dispose();
        _sendSlots.Dispose();
        _auth.Dispose();
    }

    /// <summary>Stops accepting appends, sends everything already queued (with its retries), then returns.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // ---------------------------------------------------------------- dispatcher and lanes

    private async Task DispatchLoopAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                // The micro-batching window: let concurrent callers join the first one.
                if (_options.MaxDelay > TimeSpan.Zero) await Task.Delay(_options.MaxDelay, _time).ConfigureAwait(false);

                // Back-pressure: with the hub slow or down, stop taking calls (they wait in AppendAsync).
                while (Interlocked.Read(ref _queuedBytes) > MaxQueuedBytes)
                    await Task.Delay(TimeSpan.FromMilliseconds(5), _time).ConfigureAwait(false);

                List<Lane>? start = null;
                lock (_lanes)
                {
                    while (reader.TryRead(out var call))
                    {
                        foreach (var item in call.Items)
                        {
                            if (!_lanes.TryGetValue(item.PartitionKey, out var lane))
                            {
                                lane = new Lane(item.PartitionKey);
                                _lanes.Add(item.PartitionKey, lane);
                            }

                            lane.Queue.Enqueue(item);
                            Interlocked.Add(ref _queuedBytes, item.Json.Length);
                            if (!lane.Running)
                            {
                                lane.Running = true;
                                (start ??= []).Add(lane);
                            }
                        }
                    }
                }

                foreach (var lane in start ?? [])
                {
                    Interlocked.Increment(ref _activeLanes);
                    _ = Task.Run(() => RunLaneAsync(lane));
                }
            }
        }
        catch (Exception ex)
        {
            // Not expected; fail whatever is still queued rather than leave callers waiting.
            _logger.DispatcherStopped(ex, Namespace, HubName);
            _queue.Writer.TryComplete(ex);
            var error = new StreamUnavailableException($"The Event Hubs producer for {Namespace}/{HubName} stopped: {ex.Message}", ex);
            while (reader.TryRead(out var call)) call.Completion.TrySetException(error);
        }
    }

    private async Task RunLaneAsync(Lane lane)
    {
        try
        {
            while (true)
            {
                // Take the slot first: events stay in the lane (and count as queued) until they can go,
                // and more of them join the request meanwhile.
                await _sendSlots.WaitAsync().ConfigureAwait(false);
                try
                {
                    List<PendingEvent> batch;
                    lock (_lanes)
                    {
                        batch = TakeBatch(lane);
                        if (batch.Count == 0)
                        {
                            lane.Running = false;
                            _lanes.Remove(lane.Key);
                            return;
                        }
                    }

                    await SendBatchAsync(lane.Key, batch).ConfigureAwait(false);
                }
                finally
                {
                    _sendSlots.Release();
                }
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _activeLanes) == 0 && Volatile.Read(ref _dispatcherExited) != 0) _lanesDrained.TrySetResult();
        }
    }

    /// <summary>The next request's events of a lane, in order, up to the byte cap; skips callers that gave up or already failed.</summary>
    private List<PendingEvent> TakeBatch(Lane lane)
    {
        var batch = new List<PendingEvent>();
        long itemBytes = 0;
        while (lane.Queue.TryPeek(out var item))
        {
            if (batch.Count > 0 && EventHubsBatchFormat.BodySize(batch.Count + 1, itemBytes + item.Json.Length) > _options.MaxBatchBytes) break;
            lane.Queue.Dequeue();
            Interlocked.Add(ref _queuedBytes, -item.Json.Length);
            if (item.Call.Completion.Task.IsCompleted) continue;
            batch.Add(item);
            itemBytes += item.Json.Length;
        }

        return batch;
    }

    private async Task SendBatchAsync(string partitionKey, List<PendingEvent> batch)
    {
        Interlocked.Increment(ref _requests);
        try
        {
            await SendWithRetriesAsync(partitionKey, batch).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _failedRequests);
            Interlocked.Exchange(ref _lastFailureTicks, _time.GetUtcNow().UtcTicks);
            var error = ex as StreamUnavailableException
                ?? new StreamUnavailableException($"Event Hubs {Namespace}/{HubName}: the send failed ({ex.GetType().Name}: {ex.Message}).", ex);
            foreach (var item in batch) item.Call.Completion.TrySetException(error);
            return;
        }

        Interlocked.Exchange(ref _lastSuccessTicks, _time.GetUtcNow().UtcTicks);
        Interlocked.Add(ref _eventsSent, batch.Count);
        foreach (var item in batch) item.Call.Acknowledge();
    }

    // ---------------------------------------------------------------- one request, with retries

    private async Task SendWithRetriesAsync(string partitionKey, List<PendingEvent> batch)
    {
        var body = EventHubsBatchFormat.BuildBody([.. batch.Select(i => i.Json)]);
        var brokerProperties = EventHubsBatchFormat.BrokerProperties(partitionKey);
        for (var attempt = 1; ; attempt++)
        {
            Interlocked.Increment(ref _attempts);
            string authorization;
            try
            {
                authorization = await _auth.GetHeaderAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Azure.Identity retries its own transient failures; what reaches here is configuration.
                throw new StreamUnavailableException($"Event Hubs {Namespace}/{HubName}: no {_auth.Kind} token could be obtained ({ex.Message}).", ex);
            }

            var outcome = await TrySendOnceAsync(body, authorization, brokerProperties).ConfigureAwait(false);
            if (outcome.Success) return;

            var retryable = outcome.Status is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError;
            if (outcome.Status == HttpStatusCode.Unauthorized) _auth.Invalidate();
            var what = outcome.Status is { } status ? $"HTTP {(int)status} ({status})" : outcome.Problem;
            if (!retryable || attempt >= _options.MaxAttempts)
            {
                var attempts = attempt == 1 ? "" : $" after {attempt} attempts";
                _logger.NotAccepted(Namespace, HubName, batch.Count, what, attempts, outcome.Detail);
                throw new StreamUnavailableException(
                    $"Event Hubs {Namespace}/{HubName} did not accept the events: {what}{attempts}{(outcome.Detail.Length > 0 ? ": " + outcome.Detail : "")}.",
                    outcome.Exception,
                    outcome.RetryAfter);
            }

            var delay = Backoff(attempt);
            if (outcome.RetryAfter is { } retryAfter)
            {
                if (retryAfter > _options.MaxRetryDelay)
                {
                    // Waiting that long would hold the collector's clients; hand the wait on to them.
                    _logger.RetryAfterTooLong(Namespace, HubName, what, retryAfter);
                    throw new StreamUnavailableException(
                        $"Event Hubs {Namespace}/{HubName} did not accept the events: {what}, retry after {retryAfter.TotalSeconds:0.#} s.",
                        outcome.Exception,
                        retryAfter);
                }

                if (retryAfter > delay) delay = retryAfter;
            }

            _logger.Retrying(Namespace, HubName, what, attempt, _options.MaxAttempts, delay);
            await Task.Delay(delay, _time).ConfigureAwait(false);
        }
    }

    private async Task<SendOutcome> TrySendOnceAsync(byte[] body, string authorization, string brokerProperties)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, MessagesUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(EventHubsBatchFormat.ContentType);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Headers.TryAddWithoutValidation("BrokerProperties", brokerProperties);
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return SendOutcome.Ok;
            var detail = await ReadDetailAsync(response, timeout.Token).ConfigureAwait(false);
            return new SendOutcome(false, response.StatusCode, "", detail, RetryAfterOf(response), null);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            return new SendOutcome(false, null, $"no answer within {_options.Timeout.TotalSeconds:0.###} s", "", null, ex);
        }
        catch (HttpRequestException ex)
        {
            return new SendOutcome(false, null, $"connection failed ({ex.Message})", "", null, ex);
        }
    }

    /// <summary>The start of the error body (Event Hubs answers <c>&lt;Error&gt;&lt;Code&gt;…&lt;/Code&gt;&lt;Detail&gt;…</c>), on one line.</summary>
    private static async Task<string> ReadDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new char[MaxErrorDetailChars];
            using var reader = new StreamReader(stream);
            var read = await reader.ReadBlockAsync(buffer, cancellationToken).ConfigureAwait(false);
            return string.Join(' ', new string(buffer, 0, read).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            return "";
        }
    }

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header) return null;
        if (header.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>RetryDelay·2^(attempt-1), capped at MaxRetryDelay, between half and all of it (jitter).</summary>
    private TimeSpan Backoff(int attempt)
    {
        var ceiling = _options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        ceiling = Math.Min(ceiling, _options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _disposed) != 0)
            throw new StreamUnavailableException($"The Event Hubs producer for {Namespace}/{HubName} is shut down.");
    }

    private readonly record struct SendOutcome(bool Success, HttpStatusCode? Status, string Problem, string Detail, TimeSpan? RetryAfter, Exception? Exception)
    {
        public static SendOutcome Ok => new(true, HttpStatusCode.Created, "", "", null, null);
    }

    /// <summary>One AppendAsync call: its encoded events and the completion its caller waits for.</summary>
    private sealed class AppendCall(int count)
    {
        private int _pending = count;

        public PendingEvent[] Items { get; } = new PendingEvent[count];

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Acknowledge()
        {
            if (Interlocked.Decrement(ref _pending) == 0) Completion.TrySetResult();
        }
    }

    /// <summary>One event on its way: its caller, its partition key and its array element.</summary>
    private sealed record PendingEvent(AppendCall Call, string PartitionKey, byte[] Json);

    /// <summary>The events queued for one partition key; at most one sender runs per lane.</summary>
    private sealed class Lane(string key)
    {
        public string Key { get; } = key;

        public Queue<PendingEvent> Queue { get; } = new();

        public bool Running { get; set; }
    }
}
