using Journey.Domain.Metrics;
using Journey.Testing;
using static Journey.Testing.CustomerBuilder;

namespace Journey.Domain.Tests.Metrics;

public sealed class RatesTests
{
    private static readonly DateOnly AsOf = new(2026, 1, 31);

    private static RatesMetrics Compute()
    {
        var a = new CustomerBuilder("A", Day(1, 1)).Order(Day(1, 5), 100m).Order(Day(1, 9), 50m).With(d =>
        {
            d.Sessions.Count = 4;
            d.Sessions.Bounces = 1;
            d.Carts.Created = 2;
            d.Carts.Abandoned = 1;
            d.Cancels.Count = 1;
            d.Ratings.CsatResponses = 2;
            d.Ratings.CsatSatisfied = 1;
            d.Email.Opened = 3;
            d.Email.Clicked = 1;
            d.Email.OrdersAfterClick = 1;
        }).Build();
        var b = new CustomerBuilder("B", Day(1, 2)).Order(Day(1, 3), 30m).Order(Day(1, 3, hour: 18), 0m).With(d =>
        {
            d.Sessions.Count = 2;
            d.Sessions.Bounces = 2;
            d.Carts.Created = 1;
            d.Carts.Abandoned = 1;
            d.Returns.Count = 1;
            d.Ratings.CsatResponses = 1;
            d.Ratings.CsatSatisfied = 1;
            d.Email.Opened = 1;
        }).Build();
        var c = new CustomerBuilder("C", Day(1, 3)).With(d =>
        {
            d.Sessions.Count = 4;
            d.Sessions.Bounces = 1;
        }).Build();
        var rates = new RatesAccumulator();
        foreach (var doc in new[] { a, b, c }) rates.Add(MetricsTestData.Facts(doc, AsOf));
        return rates.Result();
    }

    [Fact]
    public void Result_ComputesEveryRateFromTheTotals()
    {
        var m = Compute();

        Assert.Equal(3, m.Customers);
        Assert.Equal((10L, 4L, 40.0), (m.Sessions, m.Bounces, m.BounceRate!.Value));
        Assert.Equal((2L, 66.67), (m.Buyers, m.ConversionRate!.Value));
        Assert.Equal((3L, 2L, 66.67), (m.CartsCreated, m.CartsAbandoned, m.CartAbandonmentRate!.Value));
        Assert.Equal((4L, 180m, 45m), (m.Orders, m.Revenue, m.AverageOrderValue!.Value));
        Assert.Equal((1L, 50.0), (m.RepeatBuyers, m.RepeatPurchaseRate!.Value)); // B's two orders are on one day
        Assert.Equal((1L, 25.0), (m.Cancels, m.CancelRate!.Value));
        Assert.Equal((1L, 25.0), (m.Returns, m.ReturnRate!.Value));
        Assert.Equal((3L, 2L, 66.67), (m.CsatResponses, m.CsatSatisfied, m.Csat!.Value));
        Assert.Equal(new EmailRates(4, 1, 2, 1, 25.0, 66.67, 1, 1), m.Email);
    }

    [Fact]
    public void Result_WithoutDenominators_LeavesTheRatesOut()
    {
        var m = new RatesAccumulator().Result();

        Assert.Null(m.BounceRate);
        Assert.Null(m.ConversionRate);
        Assert.Null(m.AverageOrderValue);
        Assert.Null(m.Csat);
        Assert.DoesNotContain("bounceRate", Journey.Domain.Serialization.JourneyJson.Serialize(m));
    }
}
