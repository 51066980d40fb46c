using System.Globalization;
using System.Text.Json.Nodes;
using Journey.Application.PainPoints;
using Journey.Domain.Metrics;

namespace Journey.Functions.Jobs;

/// <summary>How a daily job run is reported: one line for logs and the console, JSON for the API.</summary>
public static class JobSummaries
{
    public static string ToText(DailyJobSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"Daily job as of {new AsOf(s.AsOf).Text}: {s.CustomersScanned:N0} documents scanned, {s.CustomersCounted:N0} customers counted" +
        $"{(s.ApproximateCustomers > 0 ? $" ({s.ApproximateCustomers:N0} from history compacted past the date)" : "")}; " +
        $"{s.MetricsWritten} metrics documents written, {s.MetricsUnchanged} unchanged; {s.CustomersPatched:N0} customers' predictions or lifecycle updated; " +
        $"{s.ActionsAdded:N0} model-based actions added; journey map from {s.TransitionsCounted:N0} transitions in {s.JourneySeconds:N2} s; CLV fit {s.ClvFitSeconds:N2} s, scoring {s.ClvScoreSeconds:N2} s; total {s.TotalSeconds:N1} s.");

    public static JsonObject ToJson(DailyJobSummary s) => new()
    {
        ["asOf"] = new AsOf(s.AsOf).Text,
        ["customersScanned"] = s.CustomersScanned,
        ["customersCounted"] = s.CustomersCounted,
        ["approximateCustomers"] = s.ApproximateCustomers,
        ["metricsWritten"] = s.MetricsWritten,
        ["metricsUnchanged"] = s.MetricsUnchanged,
        ["customersPatched"] = s.CustomersPatched,
        ["actionsAdded"] = s.ActionsAdded,
        ["transitionsCounted"] = s.TransitionsCounted,
        ["journeySeconds"] = Math.Round(s.JourneySeconds, 3),
        ["clvFitSeconds"] = Math.Round(s.ClvFitSeconds, 3),
        ["clvScoreSeconds"] = Math.Round(s.ClvScoreSeconds, 3),
        ["totalSeconds"] = Math.Round(s.TotalSeconds, 3),
    };

    public static string ToText(PainPointRunSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"Pain points {s.Window.SinceText} to {s.Window.UntilText}: {s.Items:N0} feedback texts, {s.Negatives:N0} negative " +
        $"(previous period {s.PreviousNegatives:N0}); {s.Embedded:N0} embedded now, {s.Reused:N0} from earlier runs; " +
        $"{s.Documents.Count(d => !d.IsOther)} pain points{(s.Documents.FirstOrDefault(d => d.IsOther) is { } o ? $", {o.Texts:N0} texts in other" : "")}; " +
        $"method {s.Method}; {s.Seconds:N1} s.");

    public static JsonObject ToJson(PainPointRunSummary s) => new()
    {
        ["period"] = s.Window.Period,
        ["since"] = s.Window.SinceText,
        ["until"] = s.Window.UntilText,
        ["method"] = s.Method,
        ["texts"] = s.Items,
        ["negativeTexts"] = s.Negatives,
        ["previousNegativeTexts"] = s.PreviousNegatives,
        ["embedded"] = s.Embedded,
        ["reused"] = s.Reused,
        ["painPoints"] = s.Documents.Count(d => !d.IsOther),
        ["seconds"] = Math.Round(s.Seconds, 3),
    };
}
