using Journey.Domain.Customers;
using Journey.Domain.Stages;

namespace Journey.Domain.Actions;

/// <summary>What to do with a due action, given the customer as it is now.</summary>
public enum ReleaseKind
{
    /// <summary>Deliver it, with the customer (and a cart's items) as they are now.</summary>
    Deliver,

    /// <summary>Not yet: the cart saw activity since; try again at <see cref="ReleaseDecision.Until"/>.</summary>
    Postpone,

    /// <summary>Its reason fell away: never deliver it.</summary>
    Cancel,
}

/// <summary>A release decision; <see cref="Reason"/> says why an action was cancelled.</summary>
public sealed record ReleaseDecision(ReleaseKind Kind, DateTimeOffset? Until = null, string? Reason = null);

/// <summary>
/// The check an action passes when it is due, against the customer document as it is then: actions are
/// created ahead (a cart reminder when the cart opens, a review request with the first order, an at-risk
/// follow-up by last night's job), and what called for them may have changed since. A cart reminder waits
/// while the cart sees activity and is cancelled once the cart is ordered, emptied or replaced by a newer
/// cart; an at-risk or win-back follow-up is cancelled once the customer ordered again; any action of a
/// customer who is gone (erased) is cancelled. Delivered actions carry the customer as it is at release, so
/// an opt-out or a new email address between creation and delivery is honoured.
/// </summary>
public sealed class ActionRelease(JourneyRulesOptions journey)
{
    /// <param name="action">The due action (its trigger and customer are refreshed when it is to be delivered).</param>
    /// <param name="current">The customer document now, null when there is none.</param>
    public ReleaseDecision Decide(ActionDocument action, CustomerDocument? current, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (current is null) return new ReleaseDecision(ReleaseKind.Cancel, Reason: "the customer no longer exists (erased)");

        switch (action.ActionType)
        {
            case ActionTypes.CartAbandoned:
                var cart = current.Carts.Last;
                if (cart is null || ActionRules.CartKey(cart) != action.Trigger.Key)
                    return new ReleaseDecision(ReleaseKind.Cancel, Reason: "a newer cart replaced this one");
                if (cart.Outcome is CartOutcomes.Ordered or CartOutcomes.Emptied)
                    return new ReleaseDecision(ReleaseKind.Cancel, Reason: $"the cart was {cart.Outcome}");
                if (cart.Outcome == CartOutcomes.Open && current.Carts.LastActivity is { } last && last + journey.CartAbandonmentWindow > now)
                    return new ReleaseDecision(ReleaseKind.Postpone, Until: last + journey.CartAbandonmentWindow);
                action.Trigger = action.Trigger with { Items = ActionRules.CartItems(cart), Revenue = ActionRules.CartValue(cart) };
                break;
            case ActionTypes.AtRisk:
            case ActionTypes.WinBack:
                if (current.Orders.Last is { } lastOrder && lastOrder > OrderTime(current, action))
                    return new ReleaseDecision(ReleaseKind.Cancel, Reason: "the customer ordered again");
                break;
        }
        action.Customer = ActionRules.Snapshot(current);
        return new ReleaseDecision(ReleaseKind.Deliver);
    }

    /// <summary>When the order the action was keyed by was placed (else the trigger time).</summary>
    private static DateTimeOffset OrderTime(CustomerDocument customer, ActionDocument action) =>
        customer.Orders.History.FindLast(o => o.OrderId == action.Trigger.OrderId)?.At ?? action.Trigger.At;
}
