using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Stream.EventHubs;

/// <summary>The log messages of the Event Hubs producer, source-generated. Event ids 400-499 of this assembly; never reuse one (400-404 were the REST producer's).</summary>
internal static partial class EventHubsLog
{
    [LoggerMessage(405, LogLevel.Error, "Event Hubs {Namespace}/{Hub} {What} for {EventCount} events ({Reason}) after the client's retries; the caller is told to retry")]
    public static partial void NotAccepted(this ILogger logger, Exception exception, string @namespace, string hub, int eventCount, string what, string reason);

    [LoggerMessage(406, LogLevel.Warning, "Event Hubs {Namespace}/{Hub}: the health probe (its properties, allowed {Timeout}) failed; the stream counts as unreachable")]
    public static partial void NotReachable(this ILogger logger, Exception exception, string @namespace, string hub, TimeSpan timeout);
}
