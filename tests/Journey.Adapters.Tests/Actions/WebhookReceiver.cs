using System.Collections.Concurrent;
using Journey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Journey.Adapters.Tests.Actions;

/// <summary>A request the receiver got: its headers (names lower-case) and the body's bytes as sent.</summary>
public sealed record ReceivedWebhook(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel, a free port): records every request and answers with the status
/// <see cref="Status"/> picks for the attempt (1-based), or never answers when <see cref="Hang"/> is set.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _requests = new();
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _app = null!;
    private int _attempts;

    /// <summary>The hook's address, <c>http://127.0.0.1:{port}/hooks/journey</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The status of the n-th request (1-based); default 200.</summary>
    public Func<int, int> Status { get; set; } = _ => 200;

    /// <summary>Never answer (until the client gives up).</summary>
    public bool Hang { get; set; }

    /// <summary>Completes when the first request has arrived.</summary>
    public Task Arrived => _arrived.Task;

    public IReadOnlyList<ReceivedWebhook> Requests => [.. _requests];

    /// <summary>Answers 500 for the first <paramref name="failures"/> requests, then 200.</summary>
    public void FailFirst(int failures, int status = 500) => Status = n => n <= failures ? status : 200;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        var app = await LoopbackServer.StartAsync(a => a.MapPost("/hooks/journey", receiver.HandleAsync));
        receiver._app = app;
        receiver.Url = new Uri(LoopbackServer.Address(app) + "/hooks/journey");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        _requests.Enqueue(new ReceivedWebhook(context.Request.Method, context.Request.Path.Value!, headers, body.ToArray()));
        var attempt = Interlocked.Increment(ref _attempts);
        _arrived.TrySetResult();
        if (Hang)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = Status(attempt);
    }
}
