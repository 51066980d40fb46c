using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Metrics;
using Journey.Domain.Processing;
using Journey.Domain.Stages;
using Journey.Testing;
using static Journey.Testing.CustomerBuilder;

namespace Journey.Domain.Tests.Actions;

/// <summary>The <c>actions</c> metrics: counts per rule, and treated against holdout judged alike.</summary>
public sealed class ActionMetricsTests
{
    private static readonly DateOnly AsOf = new(2026, 6, 30);
    private static readonly JourneyFold Fold = new(new JourneyRulesOptions());
    private static readonly ActionRulesOptions Options = new() { ConversionWindow = TimeSpan.FromDays(14), MetricsLookback = TimeSpan.FromDays(90) };

    private static ActionDocument Action(string customer, DateTimeOffset due, bool holdout = false, string status = ActionStatuses.Sent, string type = ActionTypes.WinBack, DateTimeOffset? created = null)
    {
        var action = new ActionDocument
        {
            Id = ActionDocument.IdFor(type, customer, "k"),
            ActionType = type,
            CustomerId = customer,
            Trigger = new ActionTrigger { Key = "k", At = due.AddHours(-1) },
            Customer = new ActionCustomer { Id = customer },
            CreatedAt = created ?? due.AddHours(-1),
            DueAt = due,
            Holdout = holdout,
            Status = holdout ? ActionStatuses.Holdout : status,
        };
        if (status == ActionStatuses.Sent && !holdout) action.Deliveries["webhook"] = new DestinationDelivery { Status = ActionStatuses.Sent };
        return action;
    }

    private static CustomerFacts Customer(string id, params DateTimeOffset[] orders)
    {
        var builder = new CustomerBuilder(id, Day(1, 5));
        builder.Order(Day(1, 6), 20m);
        foreach (var at in orders) builder.Order(at, 30m);
        return CustomerFacts.From(builder.Build(), AsOf, Fold)!;
    }

    private static RuleMetrics Rule(ActionMetrics metrics, string type = ActionTypes.WinBack) => metrics.Result().Rules.Single(r => r.Type == type);

    [Fact]
    public void TreatedAndHoldout_AreComparedOnOrdersWithinTheWindowAfterTheDueTime()
    {
        var metrics = new ActionMetrics(AsOf, Options);
        var due = Day(5, 1);
        // Treated: 4 customers, 3 order within 14 days of the due time (one on day 20: too late).
        metrics.Add(Action("t1", due));
        metrics.Add(Action("t2", due));
        metrics.Add(Action("t3", due, status: ActionStatuses.Failed));
        metrics.Add(Action("t4", due));
        // Holdout: 2 customers, 1 orders within the window.
        metrics.Add(Action("h1", due, holdout: true));
        metrics.Add(Action("h2", due, holdout: true));

        metrics.Add(Customer("t1", due.AddDays(2)));
        metrics.Add(Customer("t2", due.AddDays(13)));
        metrics.Add(Customer("t3", due.AddDays(1))); // intent to treat: not delivered, still treated
        metrics.Add(Customer("t4", due.AddDays(20)));
        metrics.Add(Customer("h1", due.AddDays(3)));
        metrics.Add(Customer("h2"));

        var rule = Rule(metrics);
        Assert.Equal((6L, 3L, 1L, 2L, 3L), (rule.Triggered, rule.Sent, rule.Failed, rule.HeldOut, rule.Delivered));
        Assert.Equal(new ConversionGroup(4, 3, 0.75), rule.Treated);
        Assert.Equal(new ConversionGroup(2, 1, 0.5), rule.Control);
        Assert.Equal(0.25, rule.Uplift);
        Assert.InRange(rule.PValue!.Value, 0.5, 0.6); // z = 0.63 for these small groups: no evidence either way
    }

    [Fact]
    public void AnOrderBetweenTheTriggerAndTheDueTime_LeavesTheActionOutOfBothGroups()
    {
        var metrics = new ActionMetrics(AsOf, Options);
        var due = Day(5, 1);
        metrics.Add(Action("t1", due, status: ActionStatuses.Cancelled));
        metrics.Add(Action("h1", due, holdout: true));
        metrics.Add(Customer("t1", due.AddMinutes(-30), due.AddDays(1)));
        metrics.Add(Customer("h1", due.AddMinutes(-10)));

        var rule = Rule(metrics);
        Assert.Equal((1L, 1L), (rule.Cancelled, rule.HeldOut));
        Assert.Equal((0L, 0L), (rule.Treated.Customers, rule.Control.Customers));
        Assert.Null(rule.Uplift);
        Assert.Null(rule.PValue);
    }

    [Fact]
    public void ActionsWhoseWindowHasNotEnded_OrRecordedOnly_AreCountedButNotJudged_AndOldOnesNotAtAll()
    {
        var metrics = new ActionMetrics(AsOf, Options);
        metrics.Add(Action("recent", Day(6, 25), status: ActionStatuses.Pending));
        metrics.Add(Action("dry-run", Day(5, 1), status: ActionStatuses.Skipped));
        metrics.Add(Action("old", Day(3, 1), created: Day(2, 1)));
        metrics.Add(Action("future", Day(7, 2), created: Day(7, 1)));
        metrics.Add(Customer("recent", Day(6, 26)));
        metrics.Add(Customer("dry-run", Day(5, 2)));

        var rule = Rule(metrics);
        Assert.Equal((2L, 1L, 1L, 0L), (rule.Triggered, rule.Pending, rule.Skipped, rule.Treated.Customers));
        Assert.Equal("2026-04-02", metrics.Result().Since); // the 90 days up to and including D
        Assert.Equal(ActionTypes.All, metrics.Result().Rules.Select(r => r.Type));
    }

    [Theory]
    [InlineData(1000, 200, 1000, 150, 0.0033)] // 20 % against 15 %: z = 2.94
    [InlineData(100, 10, 100, 10, 1.0)]
    [InlineData(50, 0, 50, 0, 1.0)]
    public void ThePValue_IsTheTwoSidedTwoProportionTest(long n1, long x1, long n2, long x2, double expected)
    {
        Assert.Equal(expected, ActionMetrics.PValue(n1, x1, n2, x2)!.Value, 3);
    }
}
