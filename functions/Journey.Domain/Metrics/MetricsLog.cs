using Microsoft.Extensions.Logging;

namespace Journey.Domain.Metrics;

/// <summary>The log messages of the daily metrics, source-generated. Event ids 100-199 of this assembly; never reuse one.</summary>
internal static partial class MetricsLog
{
    [LoggerMessage(100, LogLevel.Warning, "The CLV model did not converge on {Customers} customers ({RepeatCustomers} repeat customers); predictions carry no CLV")]
    public static partial void ClvNotConverged(this ILogger logger, Exception exception, int customers, long repeatCustomers);
}
