using Azure.AI.OpenAI;
using Azure.Core;
using Journey.Adapters.Summaries;
using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Tests.Summaries;

/// <summary>A test's Azure OpenAI stand-in (<see cref="AzureOpenAITestServer"/>), its clock and log, and the adapters pointed at it.</summary>
public abstract class OpenAITestContext : IAsyncLifetime
{
    protected SteppingClock Clock { get; } = new();

    protected ListLoggerProvider Logs { get; } = new();

    protected AzureOpenAITestServer Server { get; private set; } = null!;

    private ILoggerFactory? _loggerFactory;

    protected ILoggerFactory LoggerFactory => _loggerFactory ??= Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));

    public async Task InitializeAsync() => Server = await AzureOpenAITestServer.StartAsync(Clock);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _loggerFactory?.Dispose();
    }

    /// <summary>Options for the test server (the v1 endpoint form, an API key, 2 retries).</summary>
    protected OpenAIOptions Options(Action<OpenAIOptions>? configure = null)
    {
        var options = new OpenAIOptions
        {
            Endpoint = Server.V1Endpoint,
            Deployment = "chat",
            EmbeddingDeployment = "embeddings",
            ApiKey = "test-key",
            MaxRetries = 2,
            MaxRetryDelay = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(options);
        Assert.Empty(options.Validate());
        return options;
    }

    protected AzureOpenAIClient Client(OpenAIOptions options, TokenCredential? credential = null) =>
        OpenAIClientFactory.Create(options, credential, timeProvider: Clock, loggerFactory: LoggerFactory);

    protected OpenAIEmbedder Embedder(OpenAIOptions options, OpenAIRunBudget? budget = null, TokenCredential? credential = null) =>
        new(Client(options, credential), options, budget ?? new OpenAIRunBudget(options), LoggerFactory.CreateLogger<OpenAIEmbedder>());

    protected OpenAIClusterNamer Namer(OpenAIOptions options, OpenAIRunBudget? budget = null) =>
        new(Client(options), options, budget ?? new OpenAIRunBudget(options), LoggerFactory.CreateLogger<OpenAIClusterNamer>());

    /// <summary>The log lines of one event id.</summary>
    protected IReadOnlyList<string> LogLines(int eventId) => [.. Logs.Lines.Where(l => l.Id.Id == eventId).Select(l => l.Message)];
}
