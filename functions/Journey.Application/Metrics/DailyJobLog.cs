using Microsoft.Extensions.Logging;

namespace Journey.Application.Metrics;

/// <summary>The log messages of the <see cref="DailyJob"/>, source-generated. Event ids 200-299 of this assembly; never reuse one.</summary>
internal static partial class DailyJobLog
{
    [LoggerMessage(200, LogLevel.Information, "Daily job as of {AsOf} started")]
    public static partial void DailyJobStarted(this ILogger logger, string asOf);

    [LoggerMessage(201, LogLevel.Information, "Daily job as of {AsOf}: scanned {Scanned} documents ({Reread} read again whole: active after the date), {Counted} customers counted ({Approximate} approximate), {Buyers} with orders")]
    public static partial void DailyJobScanned(this ILogger logger, string asOf, long scanned, long reread, long counted, long approximate, int buyers);

    [LoggerMessage(202, LogLevel.Information, "Daily job as of {AsOf} done in {TotalSeconds} s: {Counted} of {Scanned} customers counted ({Approximate} approximate); metrics written {Written}, unchanged {Unchanged}; predictions patched {Patched}; CLV {ClvStatus} (fit {FitSeconds} s, scoring {ScoreSeconds} s)")]
    public static partial void DailyJobDone(
        this ILogger logger, string asOf, double totalSeconds, long counted, long scanned, long approximate, int written, int unchanged, long patched, string clvStatus, double fitSeconds, double scoreSeconds);

    [LoggerMessage(203, LogLevel.Information, "Daily job as of {AsOf}: journey map from {Transitions} transitions of {Customers} customers ({Skipped} left out: after the date) in {Seconds} s")]
    public static partial void DailyJobJourneyMapped(this ILogger logger, string asOf, long transitions, long skipped, int customers, double seconds);
}
