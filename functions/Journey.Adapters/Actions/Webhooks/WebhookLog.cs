using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Actions.Webhooks;

/// <summary>
/// The log messages of the webhook destination, source-generated. Event ids 850-859 of this assembly; never
/// reuse one. Neither the secret nor the body is logged: only the destination, the action id and the outcome.
/// </summary>
internal static partial class WebhookLog
{
    [LoggerMessage(850, LogLevel.Debug, "Action {ActionId} delivered to {Destination}")]
    public static partial void Delivered(this ILogger logger, string destination, string actionId);

    [LoggerMessage(851, LogLevel.Warning, "Action {ActionId} not delivered to {Destination}, will be tried again: {Error}")]
    public static partial void WillRetry(this ILogger logger, string destination, string actionId, string? error);

    [LoggerMessage(852, LogLevel.Warning, "Action {ActionId} not delivered to {Destination}, given up: {Error}")]
    public static partial void GivenUp(this ILogger logger, string destination, string actionId, string? error);
}
