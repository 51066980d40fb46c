using Journey.Domain.Actions;
using Journey.Domain.Metrics;
using Journey.Domain.Stages;

namespace Journey.Domain.Tests.Actions;

/// <summary>The daily job's rules on a buyer's standing: at risk, win back, advocacy; once per buying cycle, never for old news.</summary>
public sealed class ModelActionRulesTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 19);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 2, 0, 0, TimeSpan.Zero); // the night after D
    private static readonly ActionRules Rules = new(new ActionRulesOptions { HoldoutShare = 0 }, new JourneyRulesOptions());

    private static CustomerStanding Standing(
        string status = LifecycleRule.Active, int statusAgeDays = 0, double? pAlive = null, int daysSinceLastOrder = 10, double? rhythm = null,
        bool best = false, bool positiveReview = false) =>
        new("c1", status, AsOf.AddDays(-statusAgeDays), pAlive, daysSinceLastOrder, rhythm, "o-7", best, positiveReview);

    private static IReadOnlyList<string> Types(CustomerStanding standing, ActionRules? rules = null) =>
        [.. (rules ?? Rules).Evaluate(standing, AsOf, Now).Select(a => a.ActionType)];

    [Fact]
    public void AnActiveBuyerOnRhythm_GetsNothing() => Assert.Empty(Types(Standing(rhythm: 30, daysSinceLastOrder: 20)));

    [Fact]
    public void AtRiskByStatus_IsAskedOncePerBuyingCycle_KeyedByTheLastOrder()
    {
        var action = Assert.Single(Rules.Evaluate(Standing(LifecycleRule.AtRisk, pAlive: 0.41), AsOf, Now));
        Assert.Equal(("customer.at_risk:c1:after:o-7", "o-7"), (action.Id, action.Trigger.OrderId));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), action.Trigger.At);
        Assert.Contains("P(alive) 0.41", action.Trigger.Reason, StringComparison.Ordinal);
        Assert.Equal(("c1", 0.41), (action.Customer.Id, action.Customer.ProbabilityAlive));
    }

    [Fact]
    public void AStatusHeldForLongerThanTheTriggerAge_IsNotAskedAgain()
    {
        Assert.Single(Types(Standing(LifecycleRule.AtRisk, statusAgeDays: 2)));
        Assert.Empty(Types(Standing(LifecycleRule.AtRisk, statusAgeDays: 5)));
        Assert.Empty(Types(Standing(LifecycleRule.Lapsed, statusAgeDays: 30)));
    }

    [Theory]
    [InlineData(30.0, 45, false)] // 1.5 x 30 = 45 days: not yet past it
    [InlineData(30.0, 46, true)]  // the first day past it
    [InlineData(30.0, 48, true)]  // within the trigger age (3 days)
    [InlineData(30.0, 50, false)] // overdue for 5 days: asked before, or too late to ask now
    [InlineData(0.2, 3, true)]    // a rhythm below a day counts as a day: 1.5 days
    public void ARepeatBuyerPastTheirOwnRhythm_IsAtRisk_FromTheDayTheyBecameOverdue(double rhythm, int daysSince, bool expected)
    {
        var types = Types(Standing(rhythm: rhythm, daysSinceLastOrder: daysSince));
        Assert.Equal(expected, types.Contains(ActionTypes.AtRisk));
    }

    [Fact]
    public void ALapsedBuyer_GetsAWinBack_NotAnAtRisk()
    {
        Assert.Equal([ActionTypes.WinBack], Types(Standing(LifecycleRule.Lapsed, rhythm: 10, daysSinceLastOrder: 200)));
    }

    [Fact]
    public void ABestCustomerWithAPositiveReview_IsAnAdvocacyCandidate_OnceAYear()
    {
        var action = Assert.Single(Rules.Evaluate(Standing(best: true, positiveReview: true), AsOf, Now));
        Assert.Equal("customer.advocacy_candidate:c1:2026", action.Id);
        Assert.Empty(Types(Standing(best: true)));
        Assert.Empty(Types(Standing(positiveReview: true)));
    }

    [Fact]
    public void ARunForAPastDate_AsksNoOne()
    {
        var standing = Standing(LifecycleRule.AtRisk, best: true, positiveReview: true) with { StatusSince = AsOf.AddDays(-30) };
        var lastMonth = Rules.Evaluate(standing, AsOf.AddDays(-30), Now);
        Assert.Empty(lastMonth);
    }

    [Fact]
    public void DisabledRulesAndHoldouts_AreHonoured()
    {
        var disabled = new ActionRules(new ActionRulesOptions { Disabled = [ActionTypes.AtRisk] }, new JourneyRulesOptions());
        Assert.Empty(Types(Standing(LifecycleRule.AtRisk), disabled));
        var allHeld = new ActionRules(new ActionRulesOptions { HoldoutShare = 1 }, new JourneyRulesOptions());
        var held = Assert.Single(allHeld.Evaluate(Standing(LifecycleRule.Lapsed), AsOf, Now));
        Assert.Equal((true, ActionStatuses.Holdout, (DateTimeOffset?)null), (held.Holdout, held.Status, held.NextAttemptAt));
    }
}
