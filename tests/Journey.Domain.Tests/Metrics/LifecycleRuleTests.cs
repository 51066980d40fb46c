using Journey.Domain.Metrics;

namespace Journey.Domain.Tests.Metrics;

public sealed class LifecycleRuleTests
{
    private static readonly DailyJobOptions Options = new();

    [Theory]
    [InlineData(0, "active")]
    [InlineData(89, "active")]
    [InlineData(90, "at_risk")]
    [InlineData(179, "at_risk")]
    [InlineData(180, "lapsed")]
    [InlineData(2000, "lapsed")]
    public void Without_a_model_the_days_without_activity_decide(int daysInactive, string status) =>
        Assert.Equal(status, LifecycleRule.StatusAsOf(daysInactive, probabilityAlive: null, Options));

    [Theory]
    [InlineData(0.95, 400, "active")]
    [InlineData(0.5, 400, "active")]
    [InlineData(0.49, 1, "at_risk")]
    [InlineData(0.2, 1, "at_risk")]
    [InlineData(0.19, 1, "lapsed")]
    public void For_a_repeat_buyer_P_alive_decides_whatever_the_days(double probabilityAlive, int daysInactive, string status) =>
        Assert.Equal(status, LifecycleRule.StatusAsOf(daysInactive, probabilityAlive, Options));

    [Fact]
    public void The_thresholds_come_from_the_options()
    {
        var options = new DailyJobOptions { AtRiskAfter = TimeSpan.FromDays(30), LapsedAfter = TimeSpan.FromDays(60), AtRiskBelowProbabilityAlive = 0.8, LapsedBelowProbabilityAlive = 0.4 };

        Assert.Equal(("at_risk", "lapsed"), (LifecycleRule.StatusAsOf(30, null, options), LifecycleRule.StatusAsOf(60, null, options)));
        Assert.Equal(("at_risk", "lapsed"), (LifecycleRule.StatusAsOf(0, 0.79, options), LifecycleRule.StatusAsOf(0, 0.39, options)));
    }

    [Fact]
    public void Thresholds_that_contradict_each_other_are_named()
    {
        var problems = new DailyJobOptions { AtRiskAfter = TimeSpan.FromDays(200), LapsedAfter = TimeSpan.FromDays(100), AtRiskBelowProbabilityAlive = 0.3, LapsedBelowProbabilityAlive = 0.5 }.Validate();

        Assert.Contains(problems, p => p.StartsWith("DailyJob:LapsedAfter", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("DailyJob:LapsedBelowProbabilityAlive", StringComparison.Ordinal));
    }
}
