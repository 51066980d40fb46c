namespace Journey.Domain.Metrics;

/// <summary>Settings of the daily job (configuration section <c>DailyJob</c>).</summary>
public sealed class DailyJobOptions
{
    public const string SectionName = "DailyJob";

    /// <summary>Discount rate per month applied to the 12-month predicted CLV.</summary>
    public double MonthlyDiscountRate { get; set; } = 0.01;

    /// <summary>Customers with at least one repeat purchase (on another day) needed to fit the CLV models.</summary>
    public int MinimumRepeatCustomers { get; set; } = 20;

    /// <summary>Prediction patches sent to the store per call.</summary>
    public int PredictionBatchSize { get; set; } = 5000;

    /// <summary>Share of the customers with an order that makes the best customers (top decile).</summary>
    public double BestCustomersShare { get; set; } = 0.1;

    /// <summary>Progress is reported every this many scanned documents.</summary>
    public int ProgressInterval { get; set; } = 10_000;

    /// <summary>Without activity this long by the as-of date, a customer is at risk (when P(alive) does not decide, see <see cref="LifecycleRule"/>).</summary>
    public TimeSpan AtRiskAfter { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Without activity this long by the as-of date, a customer has lapsed.</summary>
    public TimeSpan LapsedAfter { get; set; } = TimeSpan.FromDays(180);

    /// <summary>A repeat buyer whose P(alive) is below this is at risk (when the CLV model is fitted).</summary>
    public double AtRiskBelowProbabilityAlive { get; set; } = 0.5;

    /// <summary>A repeat buyer whose P(alive) is below this has lapsed.</summary>
    public double LapsedBelowProbabilityAlive { get; set; } = 0.2;

    /// <summary>Checks the options; returns the problems found, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!(MonthlyDiscountRate >= 0 && MonthlyDiscountRate < 1)) problems.Add($"{SectionName}:MonthlyDiscountRate must be at least 0 and below 1 (was {MonthlyDiscountRate}).");
        if (MinimumRepeatCustomers < 1) problems.Add($"{SectionName}:MinimumRepeatCustomers must be at least 1 (was {MinimumRepeatCustomers}).");
        if (PredictionBatchSize < 1) problems.Add($"{SectionName}:PredictionBatchSize must be at least 1 (was {PredictionBatchSize}).");
        if (!(BestCustomersShare > 0 && BestCustomersShare < 1)) problems.Add($"{SectionName}:BestCustomersShare must be between 0 and 1 exclusive (was {BestCustomersShare}).");
        if (ProgressInterval < 1) problems.Add($"{SectionName}:ProgressInterval must be at least 1 (was {ProgressInterval}).");
        if (AtRiskAfter < TimeSpan.FromDays(1)) problems.Add($"{SectionName}:AtRiskAfter must be at least a day (was {AtRiskAfter}).");
        if (LapsedAfter <= AtRiskAfter) problems.Add($"{SectionName}:LapsedAfter must be longer than AtRiskAfter (was {LapsedAfter}, AtRiskAfter {AtRiskAfter}).");
        if (!(AtRiskBelowProbabilityAlive > 0 && AtRiskBelowProbabilityAlive < 1)) problems.Add($"{SectionName}:AtRiskBelowProbabilityAlive must be between 0 and 1 exclusive (was {AtRiskBelowProbabilityAlive}).");
        if (!(LapsedBelowProbabilityAlive > 0 && LapsedBelowProbabilityAlive < AtRiskBelowProbabilityAlive))
            problems.Add($"{SectionName}:LapsedBelowProbabilityAlive must be above 0 and below AtRiskBelowProbabilityAlive (was {LapsedBelowProbabilityAlive}, AtRiskBelowProbabilityAlive {AtRiskBelowProbabilityAlive}).");
        return problems;
    }
}

/// <summary>Where a running job is: the phase (<c>scan</c>, <c>journey</c>, <c>metrics</c>, <c>predictions</c>, <c>done</c>) and the documents scanned so far.</summary>
public sealed record DailyJobProgress(string Phase, long CustomersScanned, long CustomersCounted);

/// <summary>What a run did.</summary>
public sealed record DailyJobSummary(
    DateOnly AsOf,
    long CustomersScanned,
    long CustomersCounted,
    long ApproximateCustomers,
    int MetricsWritten,
    int MetricsUnchanged,
    long CustomersPatched,
    double ClvFitSeconds,
    double ClvScoreSeconds,
    double TotalSeconds,
    int ActionsAdded = 0,
    long TransitionsCounted = 0,
    double JourneySeconds = 0);
