using Microsoft.Extensions.Logging;

namespace Journey.Application.PainPoints;

/// <summary>The summarizer's log messages, source-generated. Event ids 600-699 of this assembly; never reuse one.</summary>
internal static partial class PainPointLog
{
    [LoggerMessage(600, LogLevel.Information, "Pain points for {Period}: {Negatives} negative texts of {Items} (previous period: {PreviousNegatives}); embedding with {Model}")]
    public static partial void PainPointsStarted(this ILogger logger, string period, int items, int negatives, int previousNegatives, string model);

    [LoggerMessage(601, LogLevel.Information, "Embedded {Embedded} texts with {Model} ({Reused} taken from earlier runs)")]
    public static partial void TextsEmbedded(this ILogger logger, int embedded, int reused, string model);

    [LoggerMessage(602, LogLevel.Warning, "The embedder {Model} failed; this run embeds every text with the local model {Fallback} instead")]
    public static partial void EmbedderFallback(this ILogger logger, Exception exception, string model, string fallback);

    [LoggerMessage(603, LogLevel.Warning, "Naming the pain points failed; the local labels stay")]
    public static partial void NamingFailed(this ILogger logger, Exception exception);

    [LoggerMessage(604, LogLevel.Information, "Pain points for {Period}: {Clusters} pain points, {Other} texts in \"other\", written in {Seconds:0.0} s")]
    public static partial void PainPointsWritten(this ILogger logger, string period, int clusters, int other, double seconds);
}
