namespace Journey.Domain.Metrics;

/// <summary>
/// The <c>best-customers</c> metrics document: the top decile of the customers with an order, ranked
/// by predicted CLV (<see cref="RankedBy"/> = <c>predictedClv</c>; <c>historicalClv</c> when the CLV
/// model could not be fitted), against the rest. <see cref="Threshold"/> is the lowest value in the top group.
/// </summary>
public sealed record BestCustomersMetrics(string RankedBy, double TopShare, double? Threshold, CustomerGroup Best, CustomerGroup Rest);

/// <summary>
/// The journey of a group: acquisition channel, first device and first product category mixes
/// (shares in percent), median days from first seen to the first order, the share with feedback
/// and with a review, and email engagement (share who opened, who clicked, opens and clicks per customer).
/// </summary>
public sealed record CustomerGroup(
    long Customers,
    double AveragePredictedClv,
    double AverageHistoricalClv,
    double AverageOrders,
    double? MedianDaysToFirstOrder,
    IReadOnlyList<MixShare> Channels,
    IReadOnlyList<MixShare> FirstDevices,
    IReadOnlyList<MixShare> FirstCategories,
    double FeedbackRate,
    double ReviewRate,
    double EmailOpenRate,
    double EmailClickRate,
    double AverageEmailOpens,
    double AverageEmailClicks);

public sealed record MixShare(string Name, long Customers, double Share);

public static class BestCustomers
{
    /// <summary>Splits the rows (customers with an order, already scored) into the top <paramref name="topShare"/> and the rest.</summary>
    internal static BestCustomersMetrics Compute(Span<BuyerRow> rows, double topShare)
    {
        var byPredicted = rows.Length > 0 && rows[0].Scored;
        var order = new int[rows.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var keys = new double[rows.Length];
        for (var i = 0; i < rows.Length; i++) keys[i] = byPredicted ? rows[i].PredictedClv : rows[i].Revenue;
        var ids = new string[rows.Length];
        for (var i = 0; i < rows.Length; i++) ids[i] = rows[i].Id;
        // Highest value first; ties by id, so the split does not depend on the scan order.
        Array.Sort(order, (a, b) =>
        {
            var byValue = keys[b].CompareTo(keys[a]);
            return byValue != 0 ? byValue : string.CompareOrdinal(ids[a], ids[b]);
        });
        var top = rows.Length == 0 ? 0 : (int)Math.Max(1, Math.Ceiling(rows.Length * topShare - 1e-9));
        var best = new Group();
        var rest = new Group();
        for (var i = 0; i < order.Length; i++)
        {
            rows[order[i]].Best = i < top;
            (i < top ? best : rest).Add(rows[order[i]]);
        }
        double? threshold = top == 0 ? null : Figures.Round(keys[order[top - 1]], 2);
        return new BestCustomersMetrics(byPredicted ? "predictedClv" : "historicalClv", topShare, threshold, best.Result(), rest.Result());
    }

    private sealed class Group
    {
        private readonly Dictionary<string, long> _channels = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _devices = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _categories = new(StringComparer.Ordinal);
        private readonly List<double> _daysToFirstOrder = [];
        private long _n, _feedback, _review, _opened, _clicked, _opens, _clicks;
        private double _predicted, _historical, _orders;

        public void Add(in BuyerRow row)
        {
            _n++;
            _channels[row.Channel] = _channels.GetValueOrDefault(row.Channel) + 1;
            _devices[row.FirstDevice] = _devices.GetValueOrDefault(row.FirstDevice) + 1;
            _categories[row.FirstCategory] = _categories.GetValueOrDefault(row.FirstCategory) + 1;
            _daysToFirstOrder.Add(row.DaysToFirstOrder);
            if (row.Feedback) _feedback++;
            if (row.Review) _review++;
            if (row.EmailOpens > 0) _opened++;
            if (row.EmailClicks > 0) _clicked++;
            _opens += row.EmailOpens;
            _clicks += row.EmailClicks;
            _predicted += row.PredictedClv;
            _historical += row.Revenue;
            _orders += row.Orders;
        }

        public CustomerGroup Result()
        {
            var n = Math.Max(1, _n);
            return new CustomerGroup(
                _n,
                Figures.Round(_predicted / n),
                Figures.Round(_historical / n),
                Figures.Round(_orders / n),
                Figures.Median(_daysToFirstOrder) is { } m ? Figures.Round(m, 2) : null,
                Mix(_channels),
                Mix(_devices),
                Mix(_categories),
                Figures.PercentOrZero(_feedback, _n),
                Figures.PercentOrZero(_review, _n),
                Figures.PercentOrZero(_opened, _n),
                Figures.PercentOrZero(_clicked, _n),
                Figures.Round((double)_opens / n),
                Figures.Round((double)_clicks / n));
        }

        /// <summary>Largest share first, then by name.</summary>
        private List<MixShare> Mix(Dictionary<string, long> counts) =>
            [.. counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => new MixShare(p.Key, p.Value, Figures.PercentOrZero(p.Value, _n)))];
    }
}
