using System.Text.Json;
using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Stages;
using Journey.Testing;

namespace Journey.Domain.Tests.Actions;

public sealed class ActionRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly ActionRules Rules = new(new ActionRulesOptions { HoldoutShare = 0 }, new JourneyRulesOptions());

    private static JourneyEvent Track(string name, string messageId, string properties, DateTimeOffset? at = null) => new()
    {
        MessageId = messageId,
        Type = MessageType.Track,
        Event = name,
        UserId = "u1",
        Timestamp = at ?? Now.AddMinutes(-5),
        ReceivedAt = Now,
        Properties = JsonDocument.Parse(properties).RootElement.Clone(),
    };

    private static CustomerDocument Customer(params (string OrderId, DateTimeOffset At)[] orders)
    {
        var builder = new CustomerBuilder("u1", Now.AddDays(-30), channel: "email").With(d =>
        {
            d.UserId = "u1";
            d.Traits = JsonDocument.Parse("""{"email":"ada@example.com","name":"Ada Lovelace"}""").RootElement.Clone();
        });
        foreach (var (_, at) in orders) builder.Order(at, 40m);
        var doc = builder.Build();
        for (var i = 0; i < orders.Length; i++) doc.Orders.History[i] = doc.Orders.History[i] with { OrderId = orders[i].OrderId };
        return doc;
    }

    [Fact]
    public void ACancelledOrder_AsksWhy_WithTheReason_OnceWhateverTheReplays()
    {
        var cancel = Track(EventNames.OrderCancelled, "m1", """{"order_id":"o1","revenue":40,"reason":"found it cheaper","products":[{"product_id":"p1","name":"Dress","price":40,"quantity":1}]}""");
        var first = Rules.Evaluate(Customer(("o1", Now.AddDays(-1))), [cancel], [], Now);
        var action = Assert.Single(first);
        Assert.Equal(ActionTypes.OrderCancelled, action.ActionType);
        Assert.Equal("order.cancelled:u1:o1", action.Id);
        Assert.Equal("found it cheaper", action.Trigger.Reason);
        Assert.Equal(40m, action.Trigger.Revenue);
        Assert.Equal([new ActionItem("p1", "Dress", 40m, 1)], action.Trigger.Items);
        Assert.Equal(Now, action.DueAt);
        Assert.Equal(ActionStatuses.Pending, action.Status);
        Assert.Equal("ada@example.com", action.Customer.Email);
        Assert.Equal("Ada", action.Customer.FirstName);

        var replayed = Rules.Evaluate(Customer(("o1", Now.AddDays(-1))), [cancel], [], Now.AddHours(3));
        Assert.Equal(first.Select(a => a.Id), replayed.Select(a => a.Id));
    }

    [Fact]
    public void ARefund_FollowsUp()
    {
        var refund = Track(EventNames.OrderRefunded, "m2", """{"order_id":"o9","reason":"too small"}""");
        var action = Assert.Single(Rules.Evaluate(Customer(), [refund], [], Now));
        Assert.Equal("order.refunded:u1:o9", action.Id);
        Assert.Equal("too small", action.Trigger.Reason);
    }

    [Fact]
    public void TheFirstOrder_IsWelcomed_AndAReviewIsAskedForLater_OnlyForTheFirstOrder()
    {
        var at = Now.AddHours(-1);
        var first = Track(EventNames.OrderCompleted, "m3", """{"order_id":"o1","revenue":40}""", at);
        var actions = Rules.Evaluate(Customer(("o1", at)), [first], [], Now);
        Assert.Equal([ActionTypes.FirstOrder, ActionTypes.ReviewRequest], actions.Select(a => a.ActionType));
        Assert.Equal(Now, actions[0].DueAt);
        Assert.Equal(at.AddDays(7), actions[1].DueAt);

        var second = Track(EventNames.OrderCompleted, "m4", """{"order_id":"o2","revenue":40}""");
        Assert.Empty(Rules.Evaluate(Customer(("o1", at), ("o2", Now)), [second], [], Now));
    }

    [Fact]
    public void AStageChange_IsAnnounced_KeyedByTheChange()
    {
        var actions = Rules.Evaluate(Customer(), [], [new StageChange(Stage.Consideration, Stage.Conversion, Now, "m5")], Now);
        var action = Assert.Single(actions);
        Assert.Equal("customer.stage_changed:u1:Consideration>Conversion", action.Id);
        Assert.Equal("Conversion", action.Trigger.ToStage);
    }

    [Fact]
    public void ADisabledRule_CreatesNothing_AndAHeldOutCustomer_IsRecordedButNotDue()
    {
        var cancel = Track(EventNames.OrderCancelled, "m1", """{"order_id":"o1"}""");
        Assert.Empty(new ActionRules(new ActionRulesOptions { Disabled = [ActionTypes.OrderCancelled] }, new JourneyRulesOptions()).Evaluate(Customer(), [cancel], [], Now));

        var held = Assert.Single(new ActionRules(new ActionRulesOptions { HoldoutShares = new() { [ActionTypes.OrderCancelled] = 1.0 } }, new JourneyRulesOptions()).Evaluate(Customer(), [cancel], [], Now));
        Assert.True(held.Holdout);
        Assert.Equal(ActionStatuses.Holdout, held.Status);
        Assert.Null(held.NextAttemptAt);
    }

    [Fact]
    public void AnOptOutTrait_IsCarriedToTheDestinations()
    {
        var doc = Customer();
        doc.Traits = JsonDocument.Parse("""{"email":"ada@example.com","unsubscribed":true}""").RootElement.Clone();
        Assert.True(ActionRules.Snapshot(doc).EmailOptOut);
        Assert.False(ActionRules.Snapshot(Customer()).EmailOptOut);
    }

    [Fact]
    public void Validate_NamesUnknownRulesAndBadShares()
    {
        var problems = new ActionRulesOptions { Disabled = ["cart.forgotten"], HoldoutShare = 1.5, HoldoutShares = new() { ["x"] = 0.1 } }.Validate();
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("cart.forgotten", StringComparison.Ordinal));
        Assert.Empty(new ActionRulesOptions().Validate());
    }
}
