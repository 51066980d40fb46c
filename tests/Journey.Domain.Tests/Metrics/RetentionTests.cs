using Journey.Domain.Metrics;
using Journey.Testing;
using static Journey.Testing.CustomerBuilder;

namespace Journey.Domain.Tests.Metrics;

public sealed class RetentionTests
{
    private static readonly DateOnly AsOf = new(2026, 3, 31);

    /// <summary>
    /// A: organic, mobile; orders 5 Jan, 20 Jan, 3 Mar. B: paid, desktop; first seen 28 Dec, order 10 Jan, visit 14 Feb.
    /// C: organic, desktop; orders 2 and 27 Feb, visit 30 Mar. D: paid, mobile; visits 15 Jan and 1 Mar, no order.
    /// E: first seen 20 Mar, no order.
    /// </summary>
    private static RetentionMetrics Compute()
    {
        var retention = new RetentionAccumulator(AsOf);
        var docs = new[]
        {
            new CustomerBuilder("A", Day(1, 1), "organic", "mobile").Order(Day(1, 5), 10m).Order(Day(1, 20), 10m).Order(Day(3, 3), 10m).Build(),
            new CustomerBuilder("B", Day(12, 28, year: 2025), "paid", "desktop").Order(Day(1, 10), 10m).Active(Day(2, 14)).Build(),
            new CustomerBuilder("C", Day(2, 1), "organic", "desktop").Order(Day(2, 2), 10m).Order(Day(2, 27), 10m).Active(Day(3, 30)).Build(),
            new CustomerBuilder("D", Day(1, 15), "paid", "mobile").Active(Day(3, 1)).Build(),
            new CustomerBuilder("E", Day(3, 20), "paid", "mobile").Build(),
        };
        foreach (var doc in docs) retention.Add(MetricsTestData.Facts(doc, AsOf));
        return retention.Result();
    }

    private static IReadOnlyList<CohortRow> Table(RetentionMetrics m, string basis, string period, string mode, string split = "all", string segment = "all") =>
        m.Tables.Single(t => t.Basis == basis && t.Period == period && t.Mode == mode && t.Split == split && t.Segment == segment).Cohorts;

    private static void AssertRow(CohortRow row, string cohort, long size, long[] counts)
    {
        Assert.Equal(cohort, row.Cohort);
        Assert.Equal(size, row.Size);
        Assert.Equal(counts, row.Counts);
    }

    [Fact]
    public void CustomersMonthlyOn_CountsCohortMembersWithAnOrderInExactlyPeriodK()
    {
        var rows = Table(Compute(), "customers", "monthly", "on");

        Assert.Equal(2, rows.Count);
        AssertRow(rows[0], "2026-01", 2, [2, 0, 1]);
        Assert.Equal([100.0, 0.0, 50.0], rows[0].Percentages);
        AssertRow(rows[1], "2026-02", 1, [1, 0]);
    }

    [Fact]
    public void CustomersMonthlyOnOrAfter_CountsCohortMembersWithAnOrderInPeriodKOrLater()
    {
        var rows = Table(Compute(), "customers", "monthly", "onOrAfter");

        AssertRow(rows[0], "2026-01", 2, [2, 1, 1]);
        Assert.Equal([100.0, 50.0, 50.0], rows[0].Percentages);
        AssertRow(rows[1], "2026-02", 1, [1, 0]);
    }

    [Fact]
    public void VisitorsMonthly_CohortByFirstSeen_ActiveOnAnyVisit()
    {
        var m = Compute();
        var on = Table(m, "visitors", "monthly", "on");
        var after = Table(m, "visitors", "monthly", "onOrAfter");

        Assert.Equal(["2025-12", "2026-01", "2026-02", "2026-03"], on.Select(r => r.Cohort));
        AssertRow(on[0], "2025-12", 1, [1, 1, 1, 0]);
        AssertRow(on[1], "2026-01", 2, [2, 0, 2]);
        AssertRow(on[2], "2026-02", 1, [1, 1]);
        AssertRow(on[3], "2026-03", 1, [1]);
        AssertRow(after[0], "2025-12", 1, [1, 1, 1, 0]);
        AssertRow(after[1], "2026-01", 2, [2, 2, 2]);
    }

    [Fact]
    public void CustomersWeekly_UsesIsoWeeks()
    {
        var m = Compute();
        var on = Table(m, "customers", "weekly", "on");
        var after = Table(m, "customers", "weekly", "onOrAfter");

        // A: W02, W04, W10; B: W02 (Saturday 10 Jan); C: W06, W09. D is in W14.
        Assert.Equal(["2026-W02", "2026-W06"], on.Select(r => r.Cohort));
        AssertRow(on[0], "2026-W02", 2, [2, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
        AssertRow(after[0], "2026-W02", 2, [2, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
        AssertRow(on[1], "2026-W06", 1, [1, 0, 0, 1, 0, 0, 0, 0, 0]);
    }

    [Fact]
    public void SplitByChannelAndFirstDevice_EachSegmentHasItsOwnCohorts()
    {
        var m = Compute();

        var organic = Table(m, "customers", "monthly", "on", "channel", "organic");
        AssertRow(organic[0], "2026-01", 1, [1, 0, 1]);
        AssertRow(organic[1], "2026-02", 1, [1, 0]);
        var paid = Table(m, "customers", "monthly", "on", "channel", "paid");
        AssertRow(Assert.Single(paid), "2026-01", 1, [1, 0, 0]);

        var desktop = Table(m, "customers", "monthly", "onOrAfter", "firstDevice", "desktop");
        AssertRow(desktop[0], "2026-01", 1, [1, 0, 0]);
        AssertRow(desktop[1], "2026-02", 1, [1, 0]);
        var mobileVisitors = Table(m, "visitors", "monthly", "on", "firstDevice", "mobile");
        AssertRow(mobileVisitors[0], "2026-01", 2, [2, 0, 2]);
        AssertRow(mobileVisitors[1], "2026-03", 1, [1]);
    }

    [Fact]
    public void Tables_CoverEveryBasisPeriodModeAndSplit_InAStableOrder()
    {
        var m = Compute();

        // 2 bases x 2 periods x 2 modes x (1 overall + 2 channels + 2 devices)
        Assert.Equal(40, m.Tables.Count);
        Assert.Equal(("customers", "monthly", "on", "all", "all"), (m.Tables[0].Basis, m.Tables[0].Period, m.Tables[0].Mode, m.Tables[0].Split, m.Tables[0].Segment));
        Assert.Equal(m.Tables.Select(t => (t.Basis, t.Period, t.Mode, t.Split, t.Segment)), Compute().Tables.Select(t => (t.Basis, t.Period, t.Mode, t.Split, t.Segment)));
    }
}
