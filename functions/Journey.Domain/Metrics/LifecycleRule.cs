namespace Journey.Domain.Metrics;

/// <summary>
/// A customer's lifecycle status as of a date D. For a repeat buyer with a fitted CLV model it comes
/// from P(alive) (below <see cref="DailyJobOptions.AtRiskBelowProbabilityAlive"/>: at risk; below
/// <see cref="DailyJobOptions.LapsedBelowProbabilityAlive"/>: lapsed): the model knows the customer's
/// own buying rhythm. Otherwise (visitors, one-time buyers, for whom BG/NBD's P(alive) is always 1, and
/// any customer while the model is not fitted) it comes from the days without activity by D
/// (<see cref="DailyJobOptions.AtRiskAfter"/>, <see cref="DailyJobOptions.LapsedAfter"/>).
/// </summary>
public static class LifecycleRule
{
    public const string Active = "active";
    public const string AtRisk = "at_risk";
    public const string Lapsed = "lapsed";

    /// <param name="daysInactive">Whole days from the last day with activity to D.</param>
    /// <param name="probabilityAlive">P(alive) as of D, only for a repeat buyer scored by a fitted model.</param>
    public static string StatusAsOf(int daysInactive, double? probabilityAlive, DailyJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (probabilityAlive is { } p)
            return p < options.LapsedBelowProbabilityAlive ? Lapsed : p < options.AtRiskBelowProbabilityAlive ? AtRisk : Active;
        var inactive = TimeSpan.FromDays(daysInactive);
        return inactive >= options.LapsedAfter ? Lapsed : inactive >= options.AtRiskAfter ? AtRisk : Active;
    }
}
