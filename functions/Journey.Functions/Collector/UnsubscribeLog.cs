namespace Journey.Functions.Collector;

/// <summary>The unsubscribe endpoint's log messages, source-generated (collector range, 150-159). No customer id or address is logged.</summary>
internal static partial class UnsubscribeLog
{
    [LoggerMessage(150, LogLevel.Information, "Unsubscribe recorded (one-click: {OneClick})")]
    public static partial void Unsubscribed(this ILogger logger, bool oneClick);

    [LoggerMessage(151, LogLevel.Information, "Unsubscribe link refused: {Reason}")]
    public static partial void Refused(this ILogger logger, string reason);
}
