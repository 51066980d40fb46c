using Microsoft.Extensions.Logging;

namespace Journey.Application.Actions;

/// <summary>The outbox dispatcher's log messages, source-generated. Event ids 1300-1319 of this assembly; never reuse one. No customer email or text is logged.</summary>
internal static partial class ActionLog
{
    [LoggerMessage(1300, LogLevel.Information, "Dispatched {Due} due actions: {Sent} sent, {Failed} failed, {Retrying} to retry, {HeldOut} held out, {Cancelled} cancelled, {Postponed} postponed, {Conflicts} taken by another dispatcher")]
    public static partial void Dispatched(this ILogger logger, int due, int sent, int failed, int retrying, int heldOut, int cancelled, int postponed, int conflicts);

    [LoggerMessage(1301, LogLevel.Warning, "Destination {Destination} did not take action {ActionId} ({ActionType}) on attempt {Attempt}; {Outcome}")]
    public static partial void DeliveryFailed(this ILogger logger, string destination, string actionId, string actionType, int attempt, string outcome);

    [LoggerMessage(1302, LogLevel.Warning, "Destination {Destination} threw {ExceptionType} for action {ActionId} ({ActionType}) on attempt {Attempt}; it is retried")]
    public static partial void DeliveryThrew(this ILogger logger, string destination, string exceptionType, string actionId, string actionType, int attempt);

    [LoggerMessage(1303, LogLevel.Warning, "Action {ActionId} ({ActionType}) failed after {Attempts} attempts")]
    public static partial void ActionFailed(this ILogger logger, string actionId, string actionType, int attempts);

    [LoggerMessage(1304, LogLevel.Debug, "Action {ActionId} was changed by another dispatcher; its outcome here is dropped")]
    public static partial void ActionConflict(this ILogger logger, string actionId);

    [LoggerMessage(1305, LogLevel.Warning, "The release check of action {ActionId} failed ({ExceptionType}: {Message}); it is tried again later")]
    public static partial void ReleaseCheckFailed(this ILogger logger, string actionId, string exceptionType, string message);

    [LoggerMessage(1306, LogLevel.Information, "The daily job for {AsOf} added {Added} model-based actions (at risk, win back, advocacy)")]
    public static partial void ModelActionsAdded(this ILogger logger, int added, string asOf);
}
