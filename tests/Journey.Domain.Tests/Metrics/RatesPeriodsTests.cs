using System.Text.Json;
using Journey.Domain.Metrics;
using Journey.Domain.Serialization;

namespace Journey.Domain.Tests.Metrics;

public sealed class RatesPeriodsTests
{
    private static readonly EmailRates NoEmail = new(0, 0, 0, 0, null, null, 0, 0);

    private static RatesMetrics Rates(
        long customers, long sessions, long bounces, long buyers, long cartsCreated, long cartsAbandoned,
        long orders, decimal revenue, long cancels, long returns, long responses, long satisfied, double? csat = null) =>
        new(customers, sessions, bounces, null, buyers, null, cartsCreated, cartsAbandoned, null, orders, revenue, null, 0, null,
            cancels, null, returns, null, responses, satisfied, csat ?? Figures.Percent(satisfied, responses), NoEmail);

    private static MetricsDocument Document(string date, RatesMetrics rates, string kind = MetricKinds.Rates) => new()
    {
        Id = MetricsDocument.IdFor(kind, date),
        Kind = kind,
        Date = date,
        Data = JsonSerializer.SerializeToElement(rates, JourneyJson.Options),
    };

    [Fact]
    public void Of_DifferencesConsecutiveDocuments_IntoEachPeriodsCountsAndRates()
    {
        var documents = new[]
        {
            Document("2026-01-04", Rates(10, 40, 10, 2, 8, 4, 3, 300m, 0, 0, 2, 1)),
            Document("2026-01-11", Rates(30, 100, 25, 7, 18, 10, 11, 700m, 1, 2, 6, 4)),
            Document("2026-01-18", Rates(30, 100, 25, 7, 18, 10, 11, 700m, 1, 2, 6, 4)),
        };

        var periods = RatesPeriods.Of(documents);

        Assert.Equal(2, periods.Count);
        Assert.Equal(new RatesPeriod(
            "2026-01-04", "2026-01-11", false,
            60, 15, 25.0,
            20, 5, 25.0,
            10, 6, 60.0,
            8, 400m, 50m,
            1, 12.5, 2, 25.0,
            4, 75.0), periods[0]);
        var quiet = periods[1];
        Assert.Equal(("2026-01-11", "2026-01-18", false), (quiet.From, quiet.Until, quiet.Restated));
        Assert.Equal((0L, 0L), (quiet.Sessions!.Value, quiet.Orders!.Value));
        Assert.Null(quiet.BounceRate);
        Assert.Null(quiet.ConversionRate);
        Assert.Null(quiet.AverageOrderValue);
        Assert.Null(quiet.Csat);
    }

    [Fact]
    public void Of_ACountThatWentDown_IsARestatedPeriodWithoutRates()
    {
        // An erasure between the two dates took a customer with 5 sessions and an order away.
        var periods = RatesPeriods.Of(
        [
            Document("2026-01-04", Rates(10, 40, 10, 2, 8, 4, 3, 300m, 0, 0, 2, 1)),
            Document("2026-01-11", Rates(12, 38, 11, 2, 9, 4, 2, 250m, 0, 0, 2, 1)),
        ]);

        var p = Assert.Single(periods);
        Assert.True(p.Restated);
        Assert.Null(p.Sessions);
        Assert.Null(p.Orders);
        Assert.Null(p.Revenue);
        Assert.Equal(2L, p.NewCustomers);
        Assert.Equal(1L, p.Bounces);
        Assert.All(new[] { p.BounceRate, p.ConversionRate, p.CartAbandonmentRate, p.CancelRate, p.ReturnRate, p.Csat }, Assert.Null);
        Assert.Null(p.AverageOrderValue);
    }

    [Fact]
    public void Of_ADocumentWithoutSatisfiedResponses_TakesThemFromItsCsat()
    {
        var periods = RatesPeriods.Of(
        [
            Document("2026-01-04", Rates(1, 1, 0, 0, 0, 0, 0, 0m, 0, 0, 3, 0, csat: 66.67)), // written before csatSatisfied: 2 of 3
            Document("2026-01-11", Rates(1, 1, 0, 0, 0, 0, 0, 0m, 0, 0, 7, 5)),
        ]);

        Assert.Equal((4L, 75.0), (periods[0].CsatResponses!.Value, periods[0].Csat!.Value));
    }

    [Fact]
    public void Of_OneOrNoDocument_HasNoPeriod_AndOutOfOrderOrOtherKindsAreRejected()
    {
        var a = Document("2026-01-04", Rates(1, 1, 0, 0, 0, 0, 0, 0m, 0, 0, 0, 0));
        var b = Document("2026-01-11", Rates(1, 1, 0, 0, 0, 0, 0, 0m, 0, 0, 0, 0));

        Assert.Empty(RatesPeriods.Of([]));
        Assert.Empty(RatesPeriods.Of([a]));
        Assert.Contains("increasing date order", Assert.Throws<ArgumentException>(() => RatesPeriods.Of([b, a])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RatesPeriods.Of([a, a]));
        Assert.Contains("not rates", Assert.Throws<ArgumentException>(() => RatesPeriods.Of([a, Document("2026-01-18", Rates(1, 1, 0, 0, 0, 0, 0, 0m, 0, 0, 0, 0), MetricKinds.Funnel)])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RatesDocument_JsonNames_AreTheContractTheDashboardReads()
    {
        var json = JsonSerializer.SerializeToElement(RatesPeriods.Of(
        [
            Document("2026-01-04", Rates(1, 1, 0, 0, 0, 0, 0, 0m, 0, 0, 0, 0)),
            Document("2026-01-11", Rates(2, 3, 1, 1, 1, 0, 1, 10m, 0, 0, 1, 1)),
        ])[0], JourneyJson.Options);

        string[] names =
        [
            "from", "until", "restated", "sessions", "bounces", "bounceRate", "newCustomers", "newBuyers", "conversionRate",
            "cartsCreated", "cartsAbandoned", "cartAbandonmentRate", "orders", "revenue", "averageOrderValue",
            "cancels", "cancelRate", "returns", "returnRate", "csatResponses", "csat",
        ];
        Assert.All(names, n => Assert.True(json.TryGetProperty(n, out _), n));
    }
}
