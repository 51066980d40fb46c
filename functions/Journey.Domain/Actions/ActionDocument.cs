namespace Journey.Domain.Actions;

/// <summary>
/// The <c>actions</c> container: one follow-up the journey calls for (a cart reminder, a question to a
/// customer who cancelled, …), written once and then delivered through the outbox. The id comes from
/// the rule, the customer and what triggered it (<see cref="IdFor"/>), so replaying a batch or the
/// whole stream creates nothing new. Partition key <c>/customerId</c>: a customer's actions are read
/// and erased together.
/// </summary>
public sealed class ActionDocument
{
    public required string Id { get; init; }
    public string Type { get; init; } = "action";

    /// <summary>One of <see cref="ActionTypes"/>.</summary>
    public required string ActionType { get; init; }

    /// <summary>The customer document's id; the partition key.</summary>
    public required string CustomerId { get; init; }

    /// <summary>What made the rule fire (a cart's items are refreshed when it is released).</summary>
    public required ActionTrigger Trigger { get; set; }

    /// <summary>What the destinations are told about the customer: as of the action's creation, refreshed when it is released.</summary>
    public required ActionCustomer Customer { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Not delivered before this (a review request some days after the first order, say).</summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>One of <see cref="ActionStatuses"/>.</summary>
    public string Status { get; set; } = ActionStatuses.Pending;

    /// <summary>The customer is in the rule's control group: recorded, never delivered.</summary>
    public bool Holdout { get; init; }

    /// <summary>Delivery rounds so far (every destination that still owes a delivery is tried in a round).</summary>
    public int Attempts { get; set; }

    /// <summary>When the outbox tries again (null once sent, failed or held out).</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>Per destination name: how its delivery went. A destination that delivered is not tried again.</summary>
    public Dictionary<string, DestinationDelivery> Deliveries { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The deterministic id of an action: rule, customer and trigger key (an order id, a cart id, a stage change).</summary>
    public static string IdFor(string actionType, string customerId, string triggerKey) => $"{actionType}:{customerId}:{triggerKey}";
}

/// <summary>What made a rule fire.</summary>
public sealed record ActionTrigger
{
    /// <summary>The key that makes the id unique for the customer (order id, cart id, "Consideration→Conversion", a date).</summary>
    public required string Key { get; init; }

    public required DateTimeOffset At { get; init; }
    public string? MessageId { get; init; }
    public string? OrderId { get; init; }
    public decimal? Revenue { get; init; }
    public string? Reason { get; init; }
    public string? FromStage { get; init; }
    public string? ToStage { get; init; }
    public IReadOnlyList<ActionItem>? Items { get; init; }
}

/// <summary>A product of a cart or an order.</summary>
public sealed record ActionItem(string? ProductId, string? Name, decimal? Price, long? Quantity);

/// <summary>The customer as the destinations see it.</summary>
public sealed class ActionCustomer
{
    public required string Id { get; init; }
    public string? UserId { get; init; }
    public IReadOnlyList<string> AnonymousIds { get; init; } = [];
    public string? Email { get; init; }
    public string? FirstName { get; init; }
    public string? Stage { get; init; }
    public string? Channel { get; init; }
    public double? PredictedClv { get; init; }
    public double? ProbabilityAlive { get; init; }
    public long EmailOpens { get; init; }
    public long EmailClicks { get; init; }

    /// <summary>Channels the customer came back through (acquisition and later sessions), most used first.</summary>
    public IReadOnlyList<string> RespondsTo { get; init; } = [];

    /// <summary>The customer opted out of email (unsubscribe link, an opt-out trait).</summary>
    public bool EmailOptOut { get; init; }
}

/// <summary>How one destination's delivery of an action went.</summary>
public sealed class DestinationDelivery
{
    public string Status { get; set; } = ActionStatuses.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>The action types (the rules' names).</summary>
public static class ActionTypes
{
    public const string CartAbandoned = "cart.abandoned";
    public const string OrderCancelled = "order.cancelled";
    public const string OrderRefunded = "order.refunded";
    public const string FirstOrder = "customer.first_order";
    public const string ReviewRequest = "customer.review_request";
    public const string AtRisk = "customer.at_risk";
    public const string WinBack = "customer.win_back";
    public const string AdvocacyCandidate = "customer.advocacy_candidate";
    public const string StageChanged = "customer.stage_changed";

    public static IReadOnlyList<string> All { get; } = [CartAbandoned, OrderCancelled, OrderRefunded, FirstOrder, ReviewRequest, AtRisk, WinBack, AdvocacyCandidate, StageChanged];
}

/// <summary>The statuses of an action and of one destination's delivery.</summary>
public static class ActionStatuses
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Holdout = "holdout";

    /// <summary>Not delivered on purpose: opted out, no email address, over the frequency cap.</summary>
    public const string Skipped = "skipped";

    /// <summary>Its reason fell away before it was due (the cart was ordered, the customer ordered again, was erased).</summary>
    public const string Cancelled = "cancelled";

    public static IReadOnlyList<string> All { get; } = [Pending, Sent, Failed, Holdout, Skipped, Cancelled];
}
