using System.Text.Json;

namespace Journey.Domain.Metrics;

/// <summary>
/// The <c>metrics</c> container: one document per kind per as-of date (id <c>{kind}:{date}</c>,
/// partition key <c>/kind</c>). <see cref="Data"/> holds the kind's figures; <see cref="Run"/>
/// says when and how fast they were computed and is left out when the daily job decides whether
/// a document changed, so a second run over the same data writes nothing.
/// </summary>
public sealed class MetricsDocument
{
    public required string Id { get; set; }
    public string Type { get; set; } = "metrics";
    public required string Kind { get; set; }

    /// <summary>The as-of date (yyyy-MM-dd): only events up to the end of this UTC day count.</summary>
    public required string Date { get; set; }

    public JsonElement Data { get; set; }
    public MetricsRun? Run { get; set; }

    public static string IdFor(string kind, string date) => $"{kind}:{date}";
}

/// <summary>How a metrics document was produced (not part of its figures).</summary>
public sealed class MetricsRun
{
    public DateTimeOffset ComputedAt { get; set; }
    public double Seconds { get; set; }
    public long Customers { get; set; }
}
