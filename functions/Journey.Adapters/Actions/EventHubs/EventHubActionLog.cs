using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Actions.EventHubs;

/// <summary>
/// The log messages of the Event Hub destination, source-generated. Event ids 870-879 of this assembly; never reuse
/// one. The body is never logged: only the destination, the action id and the outcome.
/// </summary>
internal static partial class EventHubActionLog
{
    [LoggerMessage(870, LogLevel.Debug, "Action {ActionId} sent to {Destination}")]
    public static partial void Delivered(this ILogger logger, string destination, string actionId);

    [LoggerMessage(871, LogLevel.Warning, "Action {ActionId} not sent to {Destination}, will be tried again: {Error}")]
    public static partial void WillRetry(this ILogger logger, Exception? exception, string destination, string actionId, string? error);

    [LoggerMessage(872, LogLevel.Warning, "Action {ActionId} not sent to {Destination}, given up: {Error}")]
    public static partial void GivenUp(this ILogger logger, Exception? exception, string destination, string actionId, string? error);
}
