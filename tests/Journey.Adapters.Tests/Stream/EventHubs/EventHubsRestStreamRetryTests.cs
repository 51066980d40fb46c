using System.Net;
using System.Net.Sockets;
using Journey.Domain.Ports;
using static Journey.Adapters.Tests.Stream.EventHubs.EventHubsTestData;

namespace Journey.Adapters.Tests.Stream.EventHubs;

/// <summary>Retries with backoff on 5xx, 429, 408, timeouts and connection errors; no retry on the other 4xx; StreamUnavailableException at the end.</summary>
public sealed class EventHubsRestStreamRetryTests : IAsyncLifetime
{
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(15);
    private FakeEventHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeEventHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Append_503Then201_SucceedsAfterOneRetryWithTheSameRequest()
    {
        _hub.Script(new FakeResponse(503, Body: "<Error><Code>50002</Code><Detail>ServerBusy</Detail></Error>"));
        await using var stream = Open(SasOptions(_hub));

        await stream.AppendAsync([Event("alice", "m1"), Event("alice", "m2")], CancellationToken.None).WaitAsync(Liveness);

        var requests = _hub.RequestList;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(requests[0].Header("BrokerProperties"), requests[1].Header("BrokerProperties"));
        Assert.Equal(1, stream.RequestCount);
        Assert.Equal(2, stream.AttemptCount);
        Assert.Equal(0, stream.FailedRequestCount);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(408)]
    public async Task Append_RetryableStatusEveryTime_ThrowsStreamUnavailableAfterThreeAttempts(int status)
    {
        _hub.Respond = _ => new FakeResponse(status, Body: "<Error><Code>500</Code><Detail>Internal error. TrackingId:abc</Detail></Error>");
        await using var stream = Open(SasOptions(_hub));

        var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => stream.AppendAsync([Event("alice", "m1")], CancellationToken.None).WaitAsync(Liveness));

        Assert.Equal(3, _hub.Requests.Count);
        Assert.Contains($"{Namespace}/{Hub}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"HTTP {status}", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.True(error.RetryAfter > TimeSpan.Zero);
        Assert.Equal(1, stream.FailedRequestCount);
    }

    [Fact]
    public async Task Append_429WithRetryAfter_WaitsThatLongThenSucceeds()
    {
        var time = new RecordingTimeProvider(T0);
        await using var hub = await FakeEventHub.StartAsync(time);
        hub.Script(new FakeResponse(429, RetryAfter: "1"));
        await using var stream = Open(SasOptions(hub), time: time);

        var append = stream.AppendAsync([Event("alice", "m1")], CancellationToken.None);

        // The producer waits on its clock for the Retry-After (the backoff alone would be about 1 ms) …
        await time.WaitForTimersAsync(TimeSpan.FromSeconds(1));
        Assert.Single(hub.Requests);
        // … and sends again once that much time has passed.
        time.Advance(TimeSpan.FromSeconds(1));
        await append.WaitAsync(Liveness);

        var requests = hub.RequestList;
        Assert.Equal(2, requests.Count);
        Assert.Equal(TimeSpan.FromSeconds(1), requests[1].ReceivedAt - requests[0].ReceivedAt);
    }

    [Fact]
    public async Task Append_RetryAfterLongerThanMaxRetryDelay_FailsAtOnceAndPassesTheWaitOn()
    {
        _hub.Respond = _ => new FakeResponse(503, RetryAfter: "120");
        await using var stream = Open(SasOptions(_hub));

        var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => stream.AppendAsync([Event("alice", "m1")], CancellationToken.None).WaitAsync(Liveness));

        Assert.Single(_hub.Requests);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Contains("HTTP 503", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_RetryAfterOnTheLastFailure_IsTheExceptionsRetryAfter()
    {
        _hub.Respond = _ => new FakeResponse(500, RetryAfter: "1");
        await using var stream = Open(SasOptions(_hub, o => o.MaxAttempts = 2));

        var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => stream.AppendAsync([Event("alice", "m1")], CancellationToken.None).WaitAsync(Liveness));

        Assert.Equal(2, _hub.Requests.Count);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(413)]
    public async Task Append_ClientErrorStatus_IsNotRetried(int status)
    {
        _hub.Respond = _ => new FakeResponse(status, Body: $"<Error><Code>{status}</Code><Detail>Nope.</Detail></Error>");
        await using var stream = Open(SasOptions(_hub));

        var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => stream.AppendAsync([Event("alice", "m1")], CancellationToken.None).WaitAsync(Liveness));

        Assert.Single(_hub.Requests);
        Assert.Contains($"HTTP {status}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nope.", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{Namespace}/{Hub}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_NoAnswerWithinTimeout_IsRetried()
    {
        _hub.Script(new FakeResponse(201, Delay: TimeSpan.FromSeconds(30)));
        await using var stream = Open(SasOptions(_hub, o => o.Timeout = TimeSpan.FromMilliseconds(500)));

        await stream.AppendAsync([Event("alice", "m1")], CancellationToken.None).WaitAsync(Liveness);

        Assert.Equal(2, _hub.Requests.Count);
        Assert.Equal("1", _hub.RequestList[0].Query["timeout"]);
    }

    [Fact]
    public async Task Append_TimeoutEveryTime_ThrowsStreamUnavailableNamingTheTimeout()
    {
        _hub.Respond = _ => new FakeResponse(201, Delay: TimeSpan.FromSeconds(30));
        await using var stream = Open(SasOptions(_hub, o => { o.Timeout = TimeSpan.FromMilliseconds(300); o.MaxAttempts = 2; }));

        var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => stream.AppendAsync([Event("alice", "m1")], CancellationToken.None).WaitAsync(Liveness));

        Assert.Equal(2, _hub.Requests.Count);
        Assert.Contains("no answer within 0.3 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_ConnectionRefused_IsRetriedThenThrowsStreamUnavailable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var stream = Open(SasOptions(_hub, o => o.Endpoint = new Uri($"http://127.0.0.1:{port}/")));

        var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => stream.AppendAsync([Event("alice", "m1")], CancellationToken.None).WaitAsync(Liveness));

        Assert.Contains("connection failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, stream.AttemptCount);
        Assert.IsAssignableFrom<HttpRequestException>(error.InnerException);
    }
}
