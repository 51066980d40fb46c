using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Actions.Email;

/// <summary>
/// The log messages of the email destination, source-generated. Event ids 860-869 of this assembly; never reuse one.
/// No address, name or body is logged: only the action id, its type and the SMTP reply.
/// </summary>
internal static partial class EmailLog
{
    [LoggerMessage(860, LogLevel.Information, "Email of action {ActionId} ({ActionType}) sent")]
    public static partial void Sent(this ILogger logger, string actionId, string actionType);

    [LoggerMessage(861, LogLevel.Information, "Email of action {ActionId} ({ActionType}) skipped: {Reason}")]
    public static partial void Skipped(this ILogger logger, string actionId, string actionType, string reason);

    [LoggerMessage(862, LogLevel.Warning, "Email of action {ActionId} ({ActionType}) failed, to be retried: {Error}")]
    public static partial void WillRetry(this ILogger logger, Exception exception, string actionId, string actionType, string error);

    [LoggerMessage(863, LogLevel.Warning, "Email of action {ActionId} ({ActionType}) refused for good: {Error}")]
    public static partial void GaveUp(this ILogger logger, Exception exception, string actionId, string actionType, string error);
}
