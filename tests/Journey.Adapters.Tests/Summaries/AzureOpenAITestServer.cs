using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Journey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Tests.Summaries;

/// <summary>A request the test server received, with the time of <see cref="AzureOpenAITestServer"/>'s clock.</summary>
public sealed record RecordedRequest(string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset Time)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public bool IsEmbeddings => Path.EndsWith("/embeddings", StringComparison.Ordinal);

    /// <summary>The texts of an embeddings request.</summary>
    public string[] Inputs => Json["input"] is JsonArray array ? array.Select(n => (string)n!).ToArray() : [(string)Json["input"]!];

    /// <summary>The content of the user message of a chat request.</summary>
    public string UserMessage => MessageContent(Json["messages"]!.AsArray().Single(m => (string?)m!["role"] == "user")!);

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;

    public static string MessageContent(JsonNode message) => message["content"] switch
    {
        JsonArray parts => string.Concat(parts.Select(p => (string?)p!["text"])),
        var content => (string)content!,
    };
}

/// <summary>A scripted answer: status, body and headers.</summary>
public sealed record TestAnswer(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null)
{
    public static TestAnswer TooManyRequests(string header, string value) =>
        new(429, """{"error":{"code":"429","message":"Requests to the deployment have exceeded the rate limit."}}""", new Dictionary<string, string> { [header] = value });
}

/// <summary>
/// A local stand-in for an Azure OpenAI resource (Kestrel on 127.0.0.1, a free port): it answers
/// <c>POST /openai/deployments/{deployment}/embeddings</c> and <c>…/chat/completions</c> with the REST shapes of
/// the service (embeddings as floats or base64, as asked; usage counts), records every request, and plays
/// scripted answers (<see cref="Intercept"/>) such as a 429 with <c>retry-after-ms</c>. Nothing leaves the machine.
/// </summary>
public sealed class AzureOpenAITestServer : IAsyncDisposable
{
    /// <summary>As the service writes JSON: '+' and '/' of base64 are not escaped (the SDK reads the raw bytes).</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly TimeProvider _clock;
    private WebApplication _app = null!;

    private AzureOpenAITestServer(TimeProvider clock) => _clock = clock;

    /// <summary>The server's address, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The v1 endpoint form the app is configured with (<c>OpenAI__Endpoint</c>).</summary>
    public string V1Endpoint => Address + "openai/v1/";

    /// <summary>Every request so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>A scripted answer for a request (null: the normal answer).</summary>
    public Func<RecordedRequest, TestAnswer?>? Intercept { get; set; }

    /// <summary>The content of the assistant's message for a chat request (default: a valid name for the cluster).</summary>
    public Func<RecordedRequest, string> ChatContent { get; set; } = _ => """{"label":"Sizing runs small","summary":"Customers find the sizes smaller than expected.","suggestedFix":"Add a size guide with measurements."}""";

    /// <summary>The finish reason of a chat answer.</summary>
    public string ChatFinishReason { get; set; } = "stop";

    /// <summary>The usage a chat answer reports (input, output).</summary>
    public (int Input, int Output) ChatUsage { get; set; } = (150, 60);

    /// <summary>The tokens an embeddings answer reports for its texts (default: a token per 4 characters, rounded up).</summary>
    public Func<IReadOnlyList<string>, int> EmbeddingUsage { get; set; } = texts => texts.Sum(t => (t.Length + 3) / 4);

    /// <summary>Answer the embeddings out of order (the client must map them by index).</summary>
    public bool ReverseEmbeddings { get; set; }

    /// <summary>Dimensions of the vectors.</summary>
    public const int Dimensions = 8;

    /// <summary>The (not normalized) vector the server gives <paramref name="text"/>: from its SHA-256, every component positive.</summary>
    public static float[] RawVector(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return [.. Enumerable.Range(0, Dimensions).Select(i => (hash[i] + 1) / 64f)];
    }

    /// <summary>A vector as the service encodes it when asked for base64 (what the SDK asks for): little-endian float32s.</summary>
    public static string Base64(params float[] vector) => Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray());

    public static async Task<AzureOpenAITestServer> StartAsync(TimeProvider clock)
    {
        var server = new AzureOpenAITestServer(clock);
        var app = await LoopbackServer.StartAsync(a =>
        {
            a.MapPost("/openai/deployments/{deployment}/embeddings", server.HandleAsync);
            a.MapPost("/openai/deployments/{deployment}/chat/completions", server.HandleAsync);
        });
        server._app = app;
        server.Address = new Uri(LoopbackServer.Address(app) + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var request = new RecordedRequest(
            context.Request.Path.Value!, context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal),
            body, _clock.GetUtcNow());
        _requests.Enqueue(request);

        var answer = Intercept?.Invoke(request) ?? (request.IsEmbeddings ? EmbeddingsAnswer(request) : ChatAnswer(request));
        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.Body);
    }

    private TestAnswer EmbeddingsAnswer(RecordedRequest request)
    {
        var inputs = request.Inputs;
        var base64 = (string?)request.Json["encoding_format"] == "base64";
        var data = new JsonArray();
        var order = Enumerable.Range(0, inputs.Length);
        foreach (var i in ReverseEmbeddings ? order.Reverse() : order)
        {
            var vector = RawVector(inputs[i]);
            JsonNode embedding = base64
                ? JsonValue.Create(Base64(vector))
                : new JsonArray([.. vector.Select(x => (JsonNode)JsonValue.Create(x))]);
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }
        var tokens = EmbeddingUsage(inputs);
        var answer = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = "text-embedding-3-small",
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
        return new TestAnswer(200, answer.ToJsonString(Json));
    }

    private TestAnswer ChatAnswer(RecordedRequest request)
    {
        var (input, output) = ChatUsage;
        var answer = new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1767225600,
            ["model"] = "gpt-4.1-mini",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = ChatContent(request), ["refusal"] = null },
                ["finish_reason"] = ChatFinishReason,
                ["logprobs"] = null,
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = input, ["completion_tokens"] = output, ["total_tokens"] = input + output },
        };
        return new TestAnswer(200, answer.ToJsonString(Json));
    }
}

/// <summary>
/// A clock for the retry waits: a timer fires at once (on the thread pool) after moving the clock by its due
/// time, so a wait of the retry policy takes no real time and still shows in the clock and in <see cref="Waits"/>.
/// </summary>
public sealed class SteppingClock : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _waits = [];
    private DateTimeOffset _now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_lock) return [.. _waits];
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan) return new NoTimer();
        lock (_lock)
        {
            _now += dueTime;
            _waits.Add(dueTime);
        }
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Keeps every log line (level, event id, message).</summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId Id, string Message)> _lines = new();

    public IReadOnlyList<(LogLevel Level, EventId Id, string Message)> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new ListLogger(_lines);

    public void Dispose()
    {
    }

    private sealed class ListLogger(ConcurrentQueue<(LogLevel, EventId, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        /// <summary>The line, and the exception's text when there is one.</summary>
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue((logLevel, eventId, exception is null ? formatter(state, exception) : $"{formatter(state, exception)}\n{exception}"));
    }
}
