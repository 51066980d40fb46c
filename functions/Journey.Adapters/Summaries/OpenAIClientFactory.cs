using System.ClientModel;
using Azure.AI.OpenAI;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Journey.Adapters.Summaries;

/// <summary>
/// Builds the <see cref="AzureOpenAIClient"/> from <see cref="OpenAIOptions"/>, here in the adapters so that
/// the Azure package stays out of the domain and the application (the summarizer will reach the model through
/// a port of its own). The client is thread-safe and meant to live as long as the app; its chat and
/// embeddings clients come from <see cref="AzureOpenAIClient.GetChatClient"/> and
/// <see cref="AzureOpenAIClient.GetEmbeddingClient"/> with the configured deployments.
/// </summary>
public static class OpenAIClientFactory
{
    /// <summary>
    /// The client for the options' resource: with an <see cref="ApiKeyCredential"/> when <see cref="OpenAIOptions.ApiKey"/>
    /// is set, else with <paramref name="credential"/> (the app's one <see cref="TokenCredential"/>; the token's
    /// audience is Cognitive Services). Its retry policy is <see cref="OpenAIRetryPolicy"/>: at most
    /// <see cref="OpenAIOptions.MaxRetries"/> retries of a 429, 408, 5xx or network failure, each after the wait the
    /// service asks for (<c>retry-after-ms</c>, <c>Retry-After</c>) when it is at most <see cref="OpenAIOptions.MaxRetryDelay"/>,
    /// waited on <paramref name="timeProvider"/> (default: the system clock).
    /// </summary>
    /// <exception cref="ArgumentException">The options are not configured or invalid (the message lists every problem).</exception>
    /// <exception cref="ArgumentNullException">Microsoft Entra auth without a credential.</exception>
    public static AzureOpenAIClient Create(OpenAIOptions options, TokenCredential? credential, AzureOpenAIClientOptions? clientOptions = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured) throw new ArgumentException($"{OpenAIOptions.EndpointSetting} is not set: there is no Azure OpenAI resource to call.", nameof(options));
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));

        clientOptions ??= new AzureOpenAIClientOptions();
        clientOptions.UserAgentApplicationId ??= "journey";
        clientOptions.RetryPolicy = new OpenAIRetryPolicy(
            options.MaxRetries, options.MaxRetryDelay, timeProvider ?? TimeProvider.System,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(typeof(OpenAIRetryPolicy).FullName!));
        var endpoint = options.ResourceEndpoint!;
        if (options.UsesApiKey) return new AzureOpenAIClient(endpoint, new ApiKeyCredential(options.ApiKey!.Trim()), clientOptions);
        ArgumentNullException.ThrowIfNull(credential);
        return new AzureOpenAIClient(endpoint, credential, clientOptions);
    }
}
