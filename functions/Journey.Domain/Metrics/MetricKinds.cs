namespace Journey.Domain.Metrics;

/// <summary>The kinds of <c>metrics</c> documents the daily job writes (one of each per as-of date).</summary>
public static class MetricKinds
{
    public const string Retention = "retention";
    public const string Rfm = "rfm";
    public const string Funnel = "funnel";
    public const string Rates = "rates";
    public const string Clv = "clv";
    public const string BestCustomers = "best-customers";

    /// <summary>The follow-ups per rule: triggered, delivered, and the conversion of treated against holdout customers.</summary>
    public const string Actions = "actions";

    /// <summary>The journey map: flows between stages, what precedes each transition, the paths to the first order.</summary>
    public const string Journey = "journey";

    public static readonly IReadOnlyList<string> All = [Actions, BestCustomers, Clv, Funnel, Journey, Rates, Retention, Rfm];
}
