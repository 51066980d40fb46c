using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Journey.Adapters.Stream.EventHubs;
using Journey.Domain.Events;
using Journey.Domain.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Adapters.Tests.Stream.EventHubs;

/// <summary>One request the fake hub received, as it came over the wire.</summary>
public sealed record RecordedRequest(
    int Index,
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    DateTimeOffset ReceivedAt)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>BrokerProperties.PartitionKey.</summary>
    public string PartitionKey
    {
        get
        {
            using var doc = JsonDocument.Parse(Header("BrokerProperties") ?? throw new InvalidOperationException("No BrokerProperties header."));
            return doc.RootElement.GetProperty(nameof(PartitionKey)).GetString()!;
        }
    }

    /// <summary>The array elements of the body.</summary>
    public IReadOnlyList<JsonElement> Items
    {
        get
        {
            using var doc = JsonDocument.Parse(Body);
            Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
            return [.. doc.RootElement.EnumerateArray().Select(e => e.Clone())];
        }
    }

    /// <summary>Each element's Body (a JSON string) read back as the event the processor will see.</summary>
    public IReadOnlyList<JourneyEvent> Events =>
        [.. Items.Select(item => JourneyJson.Deserialize<JourneyEvent>(item.GetProperty(nameof(Body)).GetString()!))];
}

/// <summary>What the fake hub answers to one request.</summary>
public sealed record FakeResponse(int Status, TimeSpan Delay = default, string? RetryAfter = null, string Body = "")
{
    public static readonly FakeResponse Created = new(201);
}

/// <summary>
/// A stand-in for the Event Hubs REST endpoint: a Kestrel app on 127.0.0.1 (dynamic port) that
/// records every request and answers from a script (first the scripted answers in order, then
/// <see cref="Respond"/>, by default 201).
/// </summary>
public sealed class FakeEventHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeProvider _clock;
    private readonly ConcurrentQueue<FakeResponse> _script = new();
    private int _count;
    private int _inFlight;
    private int _maxInFlight;

    private FakeEventHub(WebApplication app, TimeProvider clock)
    {
        _app = app;
        _clock = clock;
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The answer when the script is empty.</summary>
    public Func<RecordedRequest, FakeResponse> Respond { get; set; } = _ => FakeResponse.Created;

    /// <summary>Runs before answering (after recording): tests hold a request here.</summary>
    public Func<RecordedRequest, Task>? BeforeAnswer { get; set; }

    /// <summary>The most requests that were being answered at the same time.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public IReadOnlyList<RecordedRequest> RequestList => [.. Requests.OrderBy(r => r.Index)];

    /// <summary>Starts the hub; <paramref name="clock"/> stamps <see cref="RecordedRequest.ReceivedAt"/> (the producer's fake clock, to see how long it waited).</summary>
    public static async Task<FakeEventHub> StartAsync(TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var hub = new FakeEventHub(app, clock ?? TimeProvider.System);
        app.Run(hub.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        hub.Endpoint = new Uri(address);
        return hub;
    }

    public void Script(params FakeResponse[] responses)
    {
        foreach (var response in responses) _script.Enqueue(response);
    }

    /// <summary>Waits (bounded) until at least <paramref name="count"/> requests arrived.</summary>
    public async Task WaitForRequestsAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (Requests.Count < count)
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            int max;
            while (inFlight > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) != max)
            {
            }

            await AnswerAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var request = new RecordedRequest(
            Interlocked.Increment(ref _count) - 1,
            context.Request.Method,
            context.Request.Path.Value ?? "",
            query,
            headers,
            buffer.ToArray(),
            _clock.GetUtcNow());
        Requests.Enqueue(request);

        var response = _script.TryDequeue(out var scripted) ? scripted : Respond(request);
        try
        {
            if (BeforeAnswer is { } hold) await hold(request).WaitAsync(context.RequestAborted);
            if (response.Delay > TimeSpan.Zero) await Task.Delay(response.Delay, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return; // the client gave up (timeout test)
        }

        context.Response.StatusCode = response.Status;
        if (response.RetryAfter is { } retryAfter) context.Response.Headers.RetryAfter = retryAfter;
        if (response.Body.Length > 0)
        {
            context.Response.ContentType = "application/xml; charset=utf-8";
            await context.Response.WriteAsync(response.Body);
        }
    }
}

/// <summary>Shared set-up: options pointing at the fake hub, events, a producer.</summary>
public static class EventHubsTestData
{
    public const string Namespace = "myns.servicebus.windows.net";
    public const string Hub = "journey-events";
    public const string KeyName = "send";
    public const string Key = "c2VjcmV0LWtleQ==";
    public const string ConnectionString = $"Endpoint=sb://{Namespace}/;SharedAccessKeyName={KeyName};SharedAccessKey={Key};EntityPath={Hub}";

    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>SAS options against <paramref name="hub"/>, with retries fast enough for tests.</summary>
    public static EventHubsOptions SasOptions(FakeEventHub hub, Action<EventHubsOptions>? configure = null)
    {
        var options = new EventHubsOptions
        {
            ConnectionString = ConnectionString,
            HubName = Hub,
            Endpoint = hub.Endpoint,
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromSeconds(2),
            Timeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>
    /// The producer on <paramref name="time"/> (default the system clock). On a <see cref="FakeTimeProvider"/>
    /// the micro-batching window is off: it would hold every request until the test advanced the clock.
    /// </summary>
    public static EventHubsRestStream Open(EventHubsOptions options, Azure.Core.TokenCredential? credential = null, TimeProvider? time = null)
    {
        if (time is FakeTimeProvider) options.MaxDelay = TimeSpan.Zero;
        return new(Options.Create(options), httpClient: null, credential, time);
    }

    public static JourneyEvent Event(string profileKey, string messageId, string name = "Product Viewed", int padding = 0) => new()
    {
        MessageId = messageId,
        Type = MessageType.Track,
        Event = name,
        AnonymousId = profileKey,
        Timestamp = T0,
        ReceivedAt = T0,
        Device = DeviceClass.Desktop,
        Channel = "direct",
        UserAgent = padding > 0 ? new string('x', padding) : null,
    };

    /// <summary>Events compare by their JSON (records holding JsonElement do not compare by value).</summary>
    public static void AssertSameEvents(IEnumerable<JourneyEvent> expected, IEnumerable<JourneyEvent> actual) =>
        Assert.Equal(expected.Select(JourneyJson.Serialize).ToList(), actual.Select(JourneyJson.Serialize).ToList());
}
