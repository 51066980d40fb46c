using Microsoft.Extensions.Logging;

namespace Journey.Application.Privacy;

/// <summary>
/// The log messages of erasure, export and the suppression list, source-generated. Event ids 1400-1419 of
/// this assembly; never reuse one. No id, email or text of a person is logged (the logs are not erased).
/// </summary>
internal static partial class PrivacyLog
{
    [LoggerMessage(1400, LogLevel.Information, "Erased a customer: {Customers} customer documents, {Transitions} transitions, {Feedback} feedback items, {Actions} actions, {Predictions} predictions, {DeadLetters} dead letters, {Quotes} pain-point quotes; {Suppressions} suppression entries")]
    public static partial void Erased(this ILogger logger, int customers, int transitions, int feedback, int actions, int predictions, int deadLetters, int quotes, int suppressions);

    [LoggerMessage(1401, LogLevel.Information, "Exported a customer's data: {Transitions} transitions, {Feedback} feedback items, {Actions} actions")]
    public static partial void Exported(this ILogger logger, int transitions, int feedback, int actions);

    [LoggerMessage(1402, LogLevel.Information, "Dropped {Count} events of erased people (suppression list); nothing of them is stored")]
    public static partial void EventsSuppressed(this ILogger logger, int count);

    [LoggerMessage(1403, LogLevel.Warning, "Could not refresh the suppression list; the {Entries} entries loaded before stay in use until the next try")]
    public static partial void SuppressionRefreshFailed(this ILogger logger, Exception exception, int entries);
}
