using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Stream.EventHubs;

/// <summary>The log messages of the Event Hubs REST producer, source-generated. Event ids 400-499 of this assembly; never reuse one.</summary>
internal static partial class EventHubsLog
{
    [LoggerMessage(400, LogLevel.Warning, "Event Hubs {Namespace}/{Hub}: no {AuthKind} token could be obtained")]
    public static partial void NoToken(this ILogger logger, Exception exception, string @namespace, string hub, string authKind);

    [LoggerMessage(401, LogLevel.Error, "Event Hubs {Namespace}/{Hub}: the dispatcher stopped")]
    public static partial void DispatcherStopped(this ILogger logger, Exception exception, string @namespace, string hub);

    [LoggerMessage(402, LogLevel.Error, "Event Hubs {Namespace}/{Hub} did not accept {EventCount} events: {Problem}{Attempts} {Detail}")]
    public static partial void NotAccepted(this ILogger logger, string @namespace, string hub, int eventCount, string problem, string attempts, string detail);

    [LoggerMessage(403, LogLevel.Error, "Event Hubs {Namespace}/{Hub} answered {Problem} with Retry-After {RetryAfter}, longer than MaxRetryDelay; giving up")]
    public static partial void RetryAfterTooLong(this ILogger logger, string @namespace, string hub, string problem, TimeSpan retryAfter);

    [LoggerMessage(404, LogLevel.Warning, "Event Hubs {Namespace}/{Hub} answered {Problem} (attempt {Attempt} of {MaxAttempts}); retrying in {Delay}")]
    public static partial void Retrying(this ILogger logger, string @namespace, string hub, string problem, int attempt, int maxAttempts, TimeSpan delay);
}
