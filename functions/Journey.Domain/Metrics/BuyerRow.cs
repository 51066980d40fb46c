using Journey.Domain.Clv;

namespace Journey.Domain.Metrics;

/// <summary>
/// What the per-customer metrics (RFM, CLV, best customers) keep of one customer with an order by
/// D: a compact struct in one array, never the document. Strings are shared through a pool.
/// </summary>
internal struct BuyerRow
{
    public string Id;
    public string Channel;
    public string FirstDevice;
    public string FirstCategory;
    public double DaysToFirstOrder;
    public int Orders;

    /// <summary>Revenue of the orders up to D: the historical CLV.</summary>
    public double Revenue;

    /// <summary>Days from the last order day to D.</summary>
    public int RecencyDays;

    /// <summary>BG/NBD inputs in days: x = order days after the first, t_x = last − first order day, T = D − first order day.</summary>
    public RepeatSummary Repeat;

    /// <summary>Mean revenue of the repeat order days (0 without repeats), the Gamma-Gamma input.</summary>
    public double RepeatMonetary;

    public bool Feedback;
    public bool Review;
    public bool PositiveReview;

    /// <summary>The id of the last order by D (the action rules key their follow-ups by it).</summary>
    public string LastOrderId;
    public long EmailOpens;
    public long EmailClicks;

    /// <summary>The hash of the predictions stored on the document (0 when it has none).</summary>
    public ulong StoredPredictionsHash;

    /// <summary>The lifecycle status stored on the document, and the days without activity by D.</summary>
    public string? StoredLifecycleStatus;
    public string? StoredLifecycleSince;
    public int DaysInactive;

    // results
    public byte R;
    public byte F;
    public byte M;
    public RfmSegment Segment;
    public bool Scored;
    public double ProbabilityAlive;
    public double ExpectedPurchases30;
    public double ExpectedPurchases90;
    public double ExpectedPurchases365;
    public double ExpectedOrderValue;
    public double PredictedClv;

    /// <summary>Among the best customers (<see cref="DailyJobOptions.BestCustomersShare"/> by predicted, else historical, CLV).</summary>
    public bool Best;

    /// <summary>The row of a customer with at least one order by D.</summary>
    public static BuyerRow From(CustomerFacts c, DateOnly asOf, StringPool pool)
    {
        var orders = c.Orders;
        var first = orders[0];
        var firstDay = AsOf.DayOf(first.At);
        var lastDay = firstDay;
        var distinctDays = 0;
        var previousDay = int.MinValue;
        decimal repeatRevenue = 0;
        foreach (var o in orders)
        {
            var day = AsOf.DayOf(o.At);
            if (day != previousDay)
            {
                distinctDays++;
                previousDay = day;
            }
            if (day != firstDay) repeatRevenue += o.Revenue;
            if (day > lastDay) lastDay = day;
        }
        var x = distinctDays - 1;
        return new BuyerRow
        {
            Id = c.Id,
            Channel = pool.Get(c.Channel),
            FirstDevice = pool.Get(c.FirstDevice),
            FirstCategory = pool.Get(first.Category ?? "unknown"),
            DaysToFirstOrder = Math.Max(0, (first.At - c.FirstSeen).TotalDays),
            Orders = orders.Count,
            Revenue = (double)c.Revenue,
            RecencyDays = asOf.DayNumber - lastDay,
            Repeat = new RepeatSummary(x, lastDay - firstDay, asOf.DayNumber - firstDay),
            RepeatMonetary = x == 0 ? 0 : (double)repeatRevenue / x,
            Feedback = c.CsatResponses > 0,
            Review = c.Reviews > 0,
            PositiveReview = c.PositiveReviews > 0,
            LastOrderId = orders[^1].OrderId,
            EmailOpens = c.EmailOpened,
            EmailClicks = c.EmailClicked,
            StoredPredictionsHash = PredictionsHash.Of(c.StoredPredictions),
            StoredLifecycleStatus = c.StoredLifecycleStatus is null ? null : pool.Get(c.StoredLifecycleStatus),
            StoredLifecycleSince = c.StoredLifecycleSince is null ? null : pool.Get(c.StoredLifecycleSince),
            DaysInactive = c.DaysInactive,
        };
    }
}

/// <summary>Shares equal strings (channels, devices, categories) between a million rows.</summary>
internal sealed class StringPool
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    public string Get(string value)
    {
        if (_strings.TryGetValue(value, out var pooled)) return pooled;
        _strings[value] = value;
        return value;
    }
}
