using Journey.Domain.Metrics;
using MathNet.Numerics.Distributions;

namespace Journey.Domain.Actions;

/// <summary>The <c>actions</c> metrics document's figures: per rule, what was triggered and delivered, and treated against holdout.</summary>
/// <param name="Since">The actions counted were created on or after this day (the lookback).</param>
/// <param name="ConversionWindowDays">A conversion is an order within this many days after the action was due.</param>
public sealed record ActionsMetrics(string Since, double ConversionWindowDays, IReadOnlyList<RuleMetrics> Rules);

/// <summary>One rule's figures.</summary>
/// <param name="Triggered">Actions created (control group included).</param>
/// <param name="Skipped">Actions no destination takes (recorded only).</param>
/// <param name="Delivered">Actions at least one destination accepted.</param>
/// <param name="Treated">Customers offered the action (intent to treat: delivered or not), whose window ended by D.</param>
/// <param name="Control">The rule's holdout customers whose window ended by D.</param>
/// <param name="Uplift">Treated conversion rate minus control conversion rate (null while either group is empty).</param>
/// <param name="PValue">Two-sided p-value of the difference (two-proportion z-test; null while either group is empty).</param>
public sealed record RuleMetrics(
    string Type, long Triggered, long Pending, long Sent, long Failed, long Skipped, long Cancelled, long HeldOut, long Delivered,
    ConversionGroup Treated, ConversionGroup Control, double? Uplift, double? PValue);

/// <summary>How many of a group's customers ordered within the window.</summary>
/// <param name="Customers">Actions evaluated: due, window ended by D, and no order between the trigger and the due time.</param>
public sealed record ConversionGroup(long Customers, long Converted, double? Rate);

/// <summary>
/// Counts the actions of the lookback per rule and, customer by customer as the daily job scans them,
/// whether each treated or held-out customer ordered within <see cref="ActionRulesOptions.ConversionWindow"/>
/// after the action was due. Both groups are judged alike: an action counts once its window ended by D,
/// and only when the customer had not ordered between the trigger and the due time (a cart ordered before
/// its reminder was due is neither a success of the reminder nor a failure of the control group).
/// Treated means offered (intent to treat): a treated action that failed, was cancelled or skipped by a
/// destination (opted out, over the cap) still counts, so the comparison is not flattered by who could be
/// reached; only actions recorded with no destination at all (a dry run) are left out, as nothing was offered.
/// </summary>
public sealed class ActionMetrics
{
    private readonly AsOf _when;
    private readonly ActionRulesOptions _options;
    private readonly Dictionary<string, List<Row>> _byCustomer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counts> _byRule = new(StringComparer.Ordinal);

    public ActionMetrics(DateOnly asOf, ActionRulesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _when = new AsOf(asOf);
        _options = options;
        foreach (var type in ActionTypes.All) _byRule[type] = new Counts();
    }

    /// <summary>The first day whose actions are counted.</summary>
    public DateTimeOffset Since => _when.Cutoff - _options.MetricsLookback;

    /// <summary>Counts one action (those created before <see cref="Since"/> or after D are ignored).</summary>
    public void Add(ActionDocument action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (action.CreatedAt < Since || !_when.Includes(action.CreatedAt) || !_byRule.TryGetValue(action.ActionType, out var counts)) return;
        counts.Triggered++;
        switch (action.Status)
        {
            case ActionStatuses.Pending: counts.Pending++; break;
            case ActionStatuses.Sent: counts.Sent++; break;
            case ActionStatuses.Failed: counts.Failed++; break;
            case ActionStatuses.Skipped: counts.Skipped++; break;
            case ActionStatuses.Cancelled: counts.Cancelled++; break;
            case ActionStatuses.Holdout: counts.HeldOut++; break;
        }
        if (action.Deliveries.Values.Any(d => d.Status == ActionStatuses.Sent)) counts.Delivered++;
        if (action.DueAt + _options.ConversionWindow > _when.Cutoff) return; // its window has not ended by D
        if (action.Status == ActionStatuses.Skipped && action.Deliveries.Count == 0) return; // recorded only (no destination): never offered
        if (!_byCustomer.TryGetValue(action.CustomerId, out var rows)) _byCustomer[action.CustomerId] = rows = [];
        rows.Add(new Row(action.ActionType, action.Holdout, action.Trigger.At, action.DueAt));
    }

    /// <summary>Judges the actions of one customer against its orders by D.</summary>
    public void Add(CustomerFacts customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        if (!_byCustomer.Remove(customer.Id, out var rows)) return;
        foreach (var row in rows)
        {
            var orders = customer.Orders;
            // Orders strictly after the trigger's own order (a first-order welcome is triggered by an order at its trigger time).
            if (orders.Any(o => o.At > row.TriggerAt && o.At < row.DueAt)) continue;
            var converted = orders.Any(o => o.At >= row.DueAt && o.At < row.DueAt + _options.ConversionWindow);
            var counts = _byRule[row.Type];
            if (row.Holdout)
            {
                counts.ControlCustomers++;
                if (converted) counts.ControlConverted++;
            }
            else
            {
                counts.TreatedCustomers++;
                if (converted) counts.TreatedConverted++;
            }
        }
    }

    public ActionsMetrics Result()
    {
        var rules = ActionTypes.All.Select(type =>
        {
            var c = _byRule[type];
            var treated = Group(c.TreatedCustomers, c.TreatedConverted);
            var control = Group(c.ControlCustomers, c.ControlConverted);
            double? uplift = treated.Rate is { } t && control.Rate is { } k ? Figures.Round(t - k, 4) : null;
            return new RuleMetrics(type, c.Triggered, c.Pending, c.Sent, c.Failed, c.Skipped, c.Cancelled, c.HeldOut, c.Delivered, treated, control, uplift,
                PValue(c.TreatedCustomers, c.TreatedConverted, c.ControlCustomers, c.ControlConverted));
        }).ToList();
        return new ActionsMetrics(new AsOf(DateOnly.FromDateTime(Since.UtcDateTime)).Text, _options.ConversionWindow.TotalDays, rules);
    }

    private static ConversionGroup Group(long customers, long converted) =>
        new(customers, converted, customers == 0 ? null : Figures.Round((double)converted / customers, 4));

    /// <summary>Two-sided p-value of a two-proportion z-test (pooled); null when a group is empty, 1 when nobody or everybody converted.</summary>
    internal static double? PValue(long n1, long x1, long n2, long x2)
    {
        if (n1 == 0 || n2 == 0) return null;
        var pooled = (double)(x1 + x2) / (n1 + n2);
        var se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        if (se == 0) return 1;
        var z = Math.Abs((double)x1 / n1 - (double)x2 / n2) / se;
        return Figures.Round(Math.Clamp(2 * (1 - Normal.CDF(0, 1, z)), 0, 1), 4);
    }

    private sealed record Row(string Type, bool Holdout, DateTimeOffset TriggerAt, DateTimeOffset DueAt);

    private sealed class Counts
    {
        public long Triggered, Pending, Sent, Failed, Skipped, Cancelled, HeldOut, Delivered;
        public long TreatedCustomers, TreatedConverted, ControlCustomers, ControlConverted;
    }
}
