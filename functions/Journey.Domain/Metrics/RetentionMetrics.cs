namespace Journey.Domain.Metrics;

/// <summary>The <c>retention</c> metrics document: one cohort table per basis, period, mode and split.</summary>
public sealed record RetentionMetrics(IReadOnlyList<RetentionTable> Tables);

/// <summary>
/// A cohort table. <see cref="Basis"/>: <c>customers</c> (cohort by first order, active = an order in
/// the period) or <c>visitors</c> (cohort by first seen, active = any visit in the period).
/// <see cref="Mode"/>: <c>on</c> (active in exactly period k) or <c>onOrAfter</c> (active in period
/// k or later). <see cref="Split"/>: <c>all</c>, <c>channel</c> (acquisition) or <c>firstDevice</c>,
/// with <see cref="Segment"/> the channel or device (<c>all</c> for the overall table).
/// </summary>
public sealed record RetentionTable(string Basis, string Period, string Mode, string Split, string Segment, IReadOnlyList<CohortRow> Cohorts);

/// <summary>One cohort: its size and, for k = 0 … (the period of D − the cohort), the count and the percentage of the size.</summary>
public sealed record CohortRow(string Cohort, long Size, IReadOnlyList<long> Counts, IReadOnlyList<double> Percentages);

/// <summary>
/// Retention cohorts, accumulated one customer at a time. Cell k of a cohort is the number of
/// distinct cohort members with an order (customers) or a visit (visitors) in period cohort + k
/// (<c>on</c>), or in any period from cohort + k on (<c>onOrAfter</c>).
/// </summary>
public sealed class RetentionAccumulator(DateOnly asOf)
{
    private static readonly PeriodKind[] Kinds = [PeriodKind.Monthly, PeriodKind.Weekly];

    private readonly Dictionary<(string Basis, PeriodKind Period, string Split, string Segment), Dictionary<int, Cohort>> _tables = [];
    private readonly List<int> _periods = [];
    private readonly int _asOfDay = asOf.DayNumber;

    private sealed class Cohort
    {
        public long Size;
        public required long[] On;
        public required long[] OnOrAfter;
    }

    public void Add(CustomerFacts c)
    {
        var firstSeenDay = AsOf.DayOf(c.FirstSeen);
        foreach (var kind in Kinds)
        {
            if (c.Orders.Count > 0)
            {
                _periods.Clear();
                foreach (var o in c.Orders) _periods.Add(Periods.Of(kind, AsOf.DayOf(o.At)));
                AddMember("customers", kind, c, _periods, firstPeriod: null);
            }
            _periods.Clear();
            foreach (var day in c.ActiveDays) _periods.Add(Periods.Of(kind, day));
            AddMember("visitors", kind, c, _periods, Periods.Of(kind, firstSeenDay));
        }
    }

    private void AddMember(string basis, PeriodKind kind, CustomerFacts c, List<int> periods, int? firstPeriod)
    {
        periods.Sort();
        var cohort = periods.Count > 0 ? periods[0] : firstPeriod ?? 0;
        if (firstPeriod is { } f && f < cohort) cohort = f;
        var current = Periods.Of(kind, _asOfDay);
        Count(Table(basis, kind, "all", "all"), cohort, current, periods);
        Count(Table(basis, kind, "channel", c.Channel), cohort, current, periods);
        Count(Table(basis, kind, "firstDevice", c.FirstDevice), cohort, current, periods);
    }

    private Dictionary<int, Cohort> Table(string basis, PeriodKind kind, string split, string segment)
    {
        var key = (basis, kind, split, segment);
        if (!_tables.TryGetValue(key, out var table)) _tables[key] = table = [];
        return table;
    }

    private static void Count(Dictionary<int, Cohort> table, int cohort, int current, List<int> periods)
    {
        if (!table.TryGetValue(cohort, out var row))
        {
            var length = Math.Max(1, current - cohort + 1);
            table[cohort] = row = new Cohort { On = new long[length], OnOrAfter = new long[length] };
        }
        row.Size++;
        var previous = int.MinValue;
        foreach (var p in periods)
        {
            if (p == previous) continue;
            previous = p;
            var k = p - cohort;
            if (k >= 0 && k < row.On.Length) row.On[k]++;
        }
        if (periods.Count == 0) return;
        var lastK = Math.Min(periods[^1] - cohort, row.OnOrAfter.Length - 1);
        for (var k = 0; k <= lastK; k++) row.OnOrAfter[k]++;
    }

    public RetentionMetrics Result()
    {
        var tables = new List<RetentionTable>();
        foreach (var ((basis, kind, split, segment), cohorts) in _tables)
        {
            foreach (var mode in (string[])["on", "onOrAfter"])
            {
                var rows = cohorts.OrderBy(c => c.Key).Select(c =>
                {
                    var counts = mode == "on" ? c.Value.On : c.Value.OnOrAfter;
                    return new CohortRow(Periods.Label(kind, c.Key), c.Value.Size, [.. counts],
                        [.. counts.Select(n => Figures.PercentOrZero(n, c.Value.Size))]);
                }).ToList();
                tables.Add(new RetentionTable(basis, Periods.Name(kind), mode, split, segment, rows));
            }
        }
        return new RetentionMetrics([.. tables
            .OrderBy(t => t.Basis, StringComparer.Ordinal)
            .ThenBy(t => t.Period, StringComparer.Ordinal)
            .ThenBy(t => t.Mode, StringComparer.Ordinal)
            .ThenBy(t => SplitOrder(t.Split))
            .ThenBy(t => t.Segment, StringComparer.Ordinal)]);
    }

    private static int SplitOrder(string split) => split switch { "all" => 0, "channel" => 1, _ => 2 };
}
