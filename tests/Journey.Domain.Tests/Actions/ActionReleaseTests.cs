using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Stages;
using Journey.Testing;
using static Journey.Testing.CustomerBuilder;

namespace Journey.Domain.Tests.Actions;

/// <summary>The check a due action passes against the customer as it is now.</summary>
public sealed class ActionReleaseTests
{
    private static readonly DateTimeOffset Now = Day(6, 1);
    private static readonly ActionRelease Release = new(new JourneyRulesOptions { CartAbandonmentWindow = TimeSpan.FromHours(1) });

    private static ActionDocument Action(string type, string key, DateTimeOffset triggerAt, string? orderId = null) => new()
    {
        Id = ActionDocument.IdFor(type, "c1", key),
        ActionType = type,
        CustomerId = "c1",
        Trigger = new ActionTrigger { Key = key, At = triggerAt, OrderId = orderId },
        Customer = new ActionCustomer { Id = "c1" },
        CreatedAt = triggerAt,
        DueAt = triggerAt,
    };

    [Fact]
    public void AnErasedCustomer_CancelsEveryAction()
    {
        var decision = Release.Decide(Action(ActionTypes.ReviewRequest, "o1", Now.AddDays(-7)), current: null, Now);
        Assert.Equal((ReleaseKind.Cancel, "the customer no longer exists (erased)"), (decision.Kind, decision.Reason));
    }

    [Fact]
    public void AtRiskAndWinBack_AreCancelledOnceTheCustomerOrderedAgain()
    {
        var customer = new CustomerBuilder("c1", Day(1, 1)).Order(Day(2, 1), 30m).Build();
        var lastOrder = customer.Orders.History[^1].OrderId;
        var atRisk = Action(ActionTypes.AtRisk, $"after:{lastOrder}", Day(5, 20), lastOrder);
        Assert.Equal(ReleaseKind.Deliver, Release.Decide(atRisk, customer, Now).Kind);

        var again = new CustomerBuilder("c1", Day(1, 1)).Order(Day(2, 1), 30m).Order(Day(5, 30), 40m).Build();
        again.Orders.History[0] = again.Orders.History[0] with { OrderId = lastOrder };
        foreach (var type in new[] { ActionTypes.AtRisk, ActionTypes.WinBack })
        {
            var decision = Release.Decide(Action(type, $"after:{lastOrder}", Day(5, 20), lastOrder), again, Now);
            Assert.Equal((ReleaseKind.Cancel, "the customer ordered again"), (decision.Kind, decision.Reason));
        }
    }

    [Fact]
    public void ADeliveredAction_CarriesTheCustomerAsItIsNow()
    {
        var customer = new CustomerBuilder("c1", Day(1, 1)).With(d =>
            d.Traits = System.Text.Json.JsonDocument.Parse("""{"email":"new@example.com","firstName":"Ada","email_opt_out":true}""").RootElement.Clone()).Build();
        var action = Action(ActionTypes.FirstOrder, "o1", Now);

        Assert.Equal(ReleaseKind.Deliver, Release.Decide(action, customer, Now).Kind);
        Assert.Equal(("new@example.com", "Ada", true), (action.Customer.Email, action.Customer.FirstName, action.Customer.EmailOptOut));
    }

    [Theory]
    [InlineData(CartOutcomes.Ordered, "the cart was ordered")]
    [InlineData(CartOutcomes.Emptied, "the cart was emptied")]
    public void ACartThatEnded_IsNotReminded(string outcome, string reason)
    {
        var since = Now.AddHours(-3);
        var customer = new CustomerBuilder("c1", Day(1, 1)).With(d => d.Carts.Last = new LastCart { Since = since, Outcome = outcome }).Build();
        var cart = Action(ActionTypes.CartAbandoned, ActionRules.CartKey(customer.Carts.Last!), since);

        Assert.Equal(new ReleaseDecision(ReleaseKind.Cancel, Reason: reason), Release.Decide(cart, customer, Now));
    }

    [Fact]
    public void ACartInUse_IsPostponed_UntilTheWindowPassesAfterItsLastActivity()
    {
        var since = Now.AddHours(-3);
        var customer = new CustomerBuilder("c1", Day(1, 1)).With(d =>
        {
            d.Carts.Last = new LastCart { Since = since, Lines = [new CartLine("p1", "Shoe", 2, 40m)] };
            d.Carts.LastActivity = Now.AddMinutes(-20);
        }).Build();
        var cart = Action(ActionTypes.CartAbandoned, ActionRules.CartKey(customer.Carts.Last!), since);

        Assert.Equal(new ReleaseDecision(ReleaseKind.Postpone, Until: Now.AddMinutes(40)), Release.Decide(cart, customer, Now));
        Assert.Equal(ReleaseKind.Deliver, Release.Decide(cart, customer, Now.AddMinutes(41)).Kind);
        Assert.Equal(80m, cart.Trigger.Revenue);
    }
}
