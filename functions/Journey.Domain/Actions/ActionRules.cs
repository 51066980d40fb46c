using System.Globalization;
using System.Text.Json;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Metrics;
using Journey.Domain.Stages;

namespace Journey.Domain.Actions;

/// <summary>Settings of the action rules (configuration section <c>Actions:Rules</c>).</summary>
public sealed class ActionRulesOptions
{
    public const string SectionName = "Actions:Rules";

    /// <summary>The rules switched off (action types).</summary>
    public IReadOnlyList<string> Disabled { get; set; } = [];

    /// <summary>The share of customers each rule keeps as its control group (0-1; default 0.1 for every rule).</summary>
    public double HoldoutShare { get; set; } = 0.1;

    /// <summary>Per-rule control-group shares that differ from <see cref="HoldoutShare"/>.</summary>
    public Dictionary<string, double> HoldoutShares { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Events older than this (by event time, against the processor's clock) trigger nothing: an import
    /// of last year's orders, or a rebuild from the stream, must not welcome or question anyone today.
    /// </summary>
    public TimeSpan MaxTriggerAge { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How long after the first order the review request is due.</summary>
    public TimeSpan ReviewRequestDelay { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// A repeat buyer is at risk when the days since the last order exceed this multiple of the customer's
    /// own mean days between orders (besides a P(alive) or inactivity status of at risk from the daily job).
    /// </summary>
    public double AtRiskOverdueFactor { get; set; } = 1.5;

    /// <summary>An order within this time after an action was due counts as a conversion (the <c>actions</c> metrics).</summary>
    public TimeSpan ConversionWindow { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The <c>actions</c> metrics count the actions created within this time before the job's date.</summary>
    public TimeSpan MetricsLookback { get; set; } = TimeSpan.FromDays(90);

    public bool IsEnabled(string actionType) => !Disabled.Contains(actionType, StringComparer.Ordinal);

    public double HoldoutShareOf(string actionType) => HoldoutShares.TryGetValue(actionType, out var share) ? share : HoldoutShare;

    /// <summary>Checks the options; returns the problems found, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var type in Disabled.Where(t => !ActionTypes.All.Contains(t, StringComparer.Ordinal)))
            problems.Add($"{SectionName}:Disabled names '{type}', which is not an action type ({string.Join(", ", ActionTypes.All)}).");
        if (HoldoutShare is < 0 or > 1) problems.Add($"{SectionName}:HoldoutShare must be between 0 and 1 (was {HoldoutShare}).");
        foreach (var (type, share) in HoldoutShares)
        {
            if (!ActionTypes.All.Contains(type, StringComparer.Ordinal)) problems.Add($"{SectionName}:HoldoutShares names '{type}', which is not an action type.");
            else if (share is < 0 or > 1) problems.Add($"{SectionName}:HoldoutShares:{type} must be between 0 and 1 (was {share}).");
        }
        if (MaxTriggerAge <= TimeSpan.Zero) problems.Add($"{SectionName}:MaxTriggerAge must be positive (was {MaxTriggerAge}).");
        if (ReviewRequestDelay < TimeSpan.Zero) problems.Add($"{SectionName}:ReviewRequestDelay must not be negative (was {ReviewRequestDelay}).");
        if (AtRiskOverdueFactor <= 0) problems.Add($"{SectionName}:AtRiskOverdueFactor must be positive (was {AtRiskOverdueFactor}).");
        if (ConversionWindow <= TimeSpan.Zero) problems.Add($"{SectionName}:ConversionWindow must be positive (was {ConversionWindow}).");
        if (MetricsLookback <= TimeSpan.Zero) problems.Add($"{SectionName}:MetricsLookback must be positive (was {MetricsLookback}).");
        return problems;
    }
}

/// <summary>
/// The action rules. Real-time ones, evaluated by the processor on the events a write adds: a cancelled
/// or refunded order asks why, a first order gets a welcome and, later, a review request, an open cart
/// gets a reminder due when <see cref="JourneyRulesOptions.CartAbandonmentWindow"/> passes without
/// activity, and every stage change is announced. Model-based ones, evaluated by the daily job on each
/// buyer's standing: at risk, lapsed (win back), advocacy candidate. Pure: the same inputs give the same
/// actions, with the same ids, so a replayed batch or stream, or a second run of the job, creates nothing
/// new (the outbox adds an id only once).
/// </summary>
public sealed class ActionRules(ActionRulesOptions options, JourneyRulesOptions journey)
{
    public ActionRulesOptions Options => options;

    /// <summary>The actions the <paramref name="added"/> events call for, given the customer as written with them and the stage changes they made.</summary>
    public IReadOnlyList<ActionDocument> Evaluate(CustomerDocument customer, IEnumerable<JourneyEvent> added, IEnumerable<StageChange> stageChanges, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(stageChanges);
        // What destinations are told is built only when an action is made: most writes make none.
        ActionCustomer? built = null;
        ActionCustomer snapshot() => built ??= Snapshot(customer);
        var actions = new List<ActionDocument>();
        foreach (var e in added.Where(e => e.Type == MessageType.Track).OrderBy(e => e.Timestamp).ThenBy(e => e.MessageId, StringComparer.Ordinal))
        {
            switch (e.Event)
            {
                case EventNames.OrderCancelled:
                    Add(actions, ActionTypes.OrderCancelled, snapshot, OrderTrigger(e), now, now);
                    break;
                case EventNames.OrderRefunded:
                    Add(actions, ActionTypes.OrderRefunded, snapshot, OrderTrigger(e), now, now);
                    break;
            }
        }

        // The first order, once: keyed by the order that is first in the customer's history.
        if (customer.Orders.History.Count > 0)
        {
            var first = customer.Orders.History[0];
            var firstEvent = added.FirstOrDefault(e => e.Event == EventNames.OrderCompleted && OrderIdOf(e) == first.OrderId);
            if (firstEvent is not null)
            {
                var trigger = new ActionTrigger { Key = first.OrderId, At = first.At, MessageId = firstEvent.MessageId, OrderId = first.OrderId, Revenue = first.Revenue, Items = Items(firstEvent) };
                Add(actions, ActionTypes.FirstOrder, snapshot, trigger, now, now);
                Add(actions, ActionTypes.ReviewRequest, snapshot, trigger, now, Later(first.At, options.ReviewRequestDelay, now));
            }
        }

        // An open cart the events added to: one reminder per cart (keyed by when it was opened), due once
        // the abandonment window passes after the last activity; the release checks it is still open then.
        // A cart already past the window when its events arrive (a late batch, a backfill) is reminded at once.
        if (customer.Carts.Last is { Outcome: CartOutcomes.Open or CartOutcomes.Abandoned } cart && customer.Carts.LastActivity is { } lastActivity &&
            added.Any(e => e.Type == MessageType.Track && e.Event == EventNames.ProductAdded))
        {
            var trigger = new ActionTrigger
            {
                Key = CartKey(cart),
                At = cart.Since,
                MessageId = added.Where(e => e.Event == EventNames.ProductAdded).MaxBy(e => e.Timestamp)!.MessageId,
                Revenue = CartValue(cart),
                Items = CartItems(cart),
            };
            Add(actions, ActionTypes.CartAbandoned, snapshot, trigger, now, Later(lastActivity, journey.CartAbandonmentWindow, now));
        }

        foreach (var change in stageChanges)
        {
            var trigger = new ActionTrigger { Key = $"{change.From?.ToString() ?? "None"}>{change.To}", At = change.At, MessageId = change.MessageId, FromStage = change.From?.ToString(), ToStage = change.To.ToString() };
            Add(actions, ActionTypes.StageChanged, snapshot, trigger, now, now);
        }
        return actions;
    }

    /// <summary>
    /// The model-based rules on a buyer's standing as of the daily job's date D: at risk (the status says so,
    /// or no order for <see cref="ActionRulesOptions.AtRiskOverdueFactor"/> times the customer's own rhythm),
    /// lapsed (win back), both keyed by the last order so each fires once per buying cycle; and an
    /// advocacy candidate (a best customer who wrote a review rated 4-5), once a year. A trigger's time is
    /// when its condition took hold (the status's date, the day the customer became overdue), so a
    /// customer long at risk is not asked again each night, and a run for a past date asks no one.
    /// The customer is named by id only: the release check fills in the rest when the action is due.
    /// </summary>
    /// <param name="standing">The buyer as of D.</param>
    /// <param name="asOf">D.</param>
    public IReadOnlyList<ActionDocument> Evaluate(CustomerStanding standing, DateOnly asOf, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(standing);
        var customer = new ActionCustomer { Id = standing.Id, ProbabilityAlive = standing.ProbabilityAlive };
        ActionCustomer snapshot() => customer;
        var actions = new List<ActionDocument>();
        var afterLastOrder = $"after:{standing.LastOrderId}";
        var statusAt = EndOf(standing.StatusSince);
        if (standing.LifecycleStatus == LifecycleRule.Lapsed)
        {
            Add(actions, ActionTypes.WinBack, snapshot, StandingTrigger(afterLastOrder, standing, statusAt), now, now);
        }
        else if (standing.LifecycleStatus == LifecycleRule.AtRisk)
        {
            Add(actions, ActionTypes.AtRisk, snapshot, StandingTrigger(afterLastOrder, standing, statusAt), now, now);
        }
        else if (standing.MeanDaysBetweenOrders is { } rhythm)
        {
            var overdueDays = standing.DaysSinceLastOrder - (int)Math.Ceiling(options.AtRiskOverdueFactor * Math.Max(1, rhythm));
            if (overdueDays > 0)
                Add(actions, ActionTypes.AtRisk, snapshot, StandingTrigger(afterLastOrder, standing, EndOf(asOf.AddDays(1 - overdueDays))), now, now);
        }
        if (standing.Best && standing.PositiveReview)
        {
            Add(actions, ActionTypes.AdvocacyCandidate, snapshot, StandingTrigger(asOf.Year.ToString(CultureInfo.InvariantCulture), standing, EndOf(asOf)), now, now);
        }
        return actions;
    }

    private static DateTimeOffset EndOf(DateOnly day) => new AsOf(day).Cutoff;

    private static ActionTrigger StandingTrigger(string key, CustomerStanding standing, DateTimeOffset at) => new()
    {
        Key = key,
        At = at,
        OrderId = standing.LastOrderId,
        Reason = string.Create(CultureInfo.InvariantCulture, $"{standing.LifecycleStatus}: {standing.DaysSinceLastOrder} days since the last order")
                 + (standing.MeanDaysBetweenOrders is { } m ? string.Create(CultureInfo.InvariantCulture, $" (usually {m:0.#})") : "")
                 + (standing.ProbabilityAlive is { } p ? string.Create(CultureInfo.InvariantCulture, $", P(alive) {p:0.###}") : ""),
    };

    /// <summary>The key of a cart: when it was opened (a customer has one open cart at a time).</summary>
    public static string CartKey(LastCart cart)
    {
        ArgumentNullException.ThrowIfNull(cart);
        return "cart@" + cart.Since.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>What the cart's lines are worth.</summary>
    public static decimal CartValue(LastCart cart)
    {
        ArgumentNullException.ThrowIfNull(cart);
        return cart.Lines.Sum(l => (l.Price ?? 0m) * l.Quantity);
    }

    /// <summary>The cart's lines as action items.</summary>
    public static List<ActionItem> CartItems(LastCart cart)
    {
        ArgumentNullException.ThrowIfNull(cart);
        return [.. cart.Lines.Select(l => new ActionItem(l.ProductId, l.Name, l.Price, l.Quantity))];
    }

    private void Add(List<ActionDocument> actions, string type, Func<ActionCustomer> snapshot, ActionTrigger trigger, DateTimeOffset now, DateTimeOffset due)
    {
        if (!options.IsEnabled(type) || trigger.At < now - options.MaxTriggerAge) return;
        var customer = snapshot();
        var id = ActionDocument.IdFor(type, customer.Id, trigger.Key);
        if (actions.Exists(a => a.Id == id)) return;
        var holdout = Holdout.IsHeldOut(type, customer.Id, options.HoldoutShareOf(type));
        actions.Add(new ActionDocument
        {
            Id = id,
            ActionType = type,
            CustomerId = customer.Id,
            Trigger = trigger,
            Customer = customer,
            CreatedAt = now,
            DueAt = due,
            Holdout = holdout,
            Status = holdout ? ActionStatuses.Holdout : ActionStatuses.Pending,
            NextAttemptAt = holdout ? null : due,
        });
    }

    private static DateTimeOffset Later(DateTimeOffset at, TimeSpan delay, DateTimeOffset now) => at + delay > now ? at + delay : now;

    /// <summary>What the destinations are told about the customer.</summary>
    public static ActionCustomer Snapshot(CustomerDocument customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var traits = customer.Traits is { ValueKind: JsonValueKind.Object } t ? t : default;
        return new ActionCustomer
        {
            Id = customer.Id,
            UserId = customer.UserId,
            AnonymousIds = [.. customer.AnonymousIds],
            Email = Text(traits, "email"),
            FirstName = Text(traits, "firstName") ?? Text(traits, "first_name") ?? Text(traits, "name")?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(),
            Stage = customer.Stage.ToString(),
            Channel = customer.Acquisition?.Channel,
            PredictedClv = customer.Predictions?.PredictedClv,
            ProbabilityAlive = customer.Predictions?.ProbabilityAlive,
            EmailOpens = customer.Email.Opened,
            EmailClicks = customer.Email.Clicked,
            RespondsTo = customer.Email.Clicked > 0 && customer.Acquisition?.Channel != "email" ? [customer.Acquisition?.Channel ?? "direct", "email"] : [customer.Acquisition?.Channel ?? "direct"],
            EmailOptOut = EmailOptOut.IsSet(customer.Traits),
        };
    }

    private static ActionTrigger OrderTrigger(JourneyEvent e)
    {
        var props = e.Properties is { ValueKind: JsonValueKind.Object } p ? p : default;
        var orderId = OrderIdOf(e);
        return new ActionTrigger
        {
            Key = orderId ?? e.MessageId,
            At = e.Timestamp,
            MessageId = e.MessageId,
            OrderId = orderId,
            Revenue = Number(props, "revenue") ?? Number(props, "total"),
            Reason = Text(props, "reason") ?? Text(props, "cancel_reason") ?? Text(props, "refund_reason"),
            Items = Items(e),
        };
    }

    private static string? OrderIdOf(JourneyEvent e) =>
        e.Properties is { ValueKind: JsonValueKind.Object } p ? Text(p, "order_id") ?? Text(p, "orderId") : null;

    private static List<ActionItem>? Items(JourneyEvent e)
    {
        if (e.Properties is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty("products", out var products) || products.ValueKind != JsonValueKind.Array) return null;
        return [.. products.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).Select(x => new ActionItem(
            Text(x, "product_id") ?? Text(x, "sku"), Text(x, "name"), Number(x, "price"), (long?)Number(x, "quantity")))];
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String when !string.IsNullOrWhiteSpace(v.GetString()) => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            }
            : null;

    private static decimal? Number(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d
            : v.ValueKind == JsonValueKind.String && decimal.TryParse(v.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var s) ? s : null
            : null;
}

/// <summary>A stage the customer entered with the events a write added.</summary>
public sealed record StageChange(Stage? From, Stage To, DateTimeOffset At, string? MessageId);
