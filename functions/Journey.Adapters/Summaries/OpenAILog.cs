using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Summaries;

/// <summary>
/// The log messages of the Azure OpenAI summarizer adapters, source-generated. Event ids 700-799 of this
/// assembly; never reuse one. No text, quote or answer of the model is logged: only counts, indexes and reasons.
/// </summary>
internal static partial class OpenAILog
{
    [LoggerMessage(700, LogLevel.Warning, "Azure OpenAI answered {Status}; retry {Retry} of {MaxRetries} in {Delay} ({Source})")]
    public static partial void Retrying(this ILogger logger, int status, int retry, int maxRetries, TimeSpan delay, string source);

    [LoggerMessage(701, LogLevel.Warning, "Azure OpenAI answered {Status} and asked to wait {Requested}, longer than OpenAI__MaxRetryDelay ({MaxDelay}): not retried")]
    public static partial void RetryAfterTooLong(this ILogger logger, int status, TimeSpan requested, TimeSpan maxDelay);

    [LoggerMessage(702, LogLevel.Warning, "Azure OpenAI still answered {Status} after {MaxRetries} retries (OpenAI__MaxRetries)")]
    public static partial void RetriesExhausted(this ILogger logger, int status, int maxRetries);

    [LoggerMessage(710, LogLevel.Information, "Azure OpenAI embeddings ({Deployment}): {Texts} texts in {Requests} requests, {Tokens} tokens; run so far: {Budget}")]
    public static partial void Embedded(this ILogger logger, string deployment, int texts, int requests, long tokens, string budget);

    [LoggerMessage(711, LogLevel.Warning, "Azure OpenAI embeddings ({Deployment}) stopped: {Reason}; the run falls back to the local embedder")]
    public static partial void EmbeddingStopped(this ILogger logger, Exception? exception, string deployment, string reason);

    [LoggerMessage(720, LogLevel.Information, "Azure OpenAI named {Named} of {Clusters} clusters ({Deployment}); run so far: {Budget}")]
    public static partial void Named(this ILogger logger, int named, int clusters, string deployment, string budget);

    [LoggerMessage(721, LogLevel.Warning, "Azure OpenAI's name for cluster {Cluster} was rejected, the local label stays: {Reason}")]
    public static partial void NameRejected(this ILogger logger, int cluster, string reason);

    [LoggerMessage(722, LogLevel.Warning, "The run's Azure OpenAI budget would be passed by naming cluster {Cluster} (about {EstimatedTokens} tokens; {Budget}): it and the {Remaining} clusters after it keep their local labels")]
    public static partial void NamingBudgetReached(this ILogger logger, int cluster, long estimatedTokens, string budget, int remaining);

    [LoggerMessage(723, LogLevel.Warning, "Naming cluster {Cluster} with Azure OpenAI failed ({Status}); its local label stays")]
    public static partial void NamingFailed(this ILogger logger, Exception exception, int cluster, int status);

    [LoggerMessage(724, LogLevel.Error, "Naming cluster {Cluster} with Azure OpenAI failed ({Status}): no more naming calls this run, it and the {Remaining} clusters after it keep their local labels")]
    public static partial void NamingStopped(this ILogger logger, Exception exception, int cluster, int status, int remaining);
}
