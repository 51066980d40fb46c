using Azure.AI.OpenAI;
using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Summaries;

/// <summary>
/// Starts summarizer runs against Azure OpenAI: each <see cref="StartRun"/> gives a new
/// <see cref="OpenAIRunBudget"/> and the embedder and namer that spend it. Registered (a singleton) by the
/// composition root only when <c>OpenAI__Endpoint</c> is set; the summarizer job calls
/// <see cref="StartRun"/> once per run and uses that run's <see cref="OpenAIRun.Embedder"/> and
/// <see cref="OpenAIRun.Namer"/> for the whole run.
/// </summary>
public sealed class OpenAIRunFactory(AzureOpenAIClient client, OpenAIOptions options, ILoggerFactory loggerFactory)
{
    /// <summary>A run with a fresh budget (<see cref="OpenAIOptions.MaxTokensPerRun"/>, <see cref="OpenAIOptions.MaxCostPerRun"/>).</summary>
    public OpenAIRun StartRun()
    {
        var budget = new OpenAIRunBudget(options);
        var embedder = string.IsNullOrWhiteSpace(options.EmbeddingDeployment)
            ? null
            : new OpenAIEmbedder(client, options, budget, loggerFactory.CreateLogger<OpenAIEmbedder>());
        return new OpenAIRun(budget, embedder, new OpenAIClusterNamer(client, options, budget, loggerFactory.CreateLogger<OpenAIClusterNamer>()));
    }
}

/// <summary>One summarizer run's Azure OpenAI pieces, sharing <see cref="Budget"/>.</summary>
/// <param name="Budget">What the run may still spend, and has spent.</param>
/// <param name="Embedder">The embeddings deployment's embedder; null when <c>OpenAI__EmbeddingDeployment</c> is not set (the run embeds locally).</param>
/// <param name="Namer">The chat deployment's namer.</param>
public sealed record OpenAIRun(OpenAIRunBudget Budget, OpenAIEmbedder? Embedder, OpenAIClusterNamer Namer);
