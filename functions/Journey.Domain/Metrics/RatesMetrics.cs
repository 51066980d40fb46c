namespace Journey.Domain.Metrics;

/// <summary>
/// The <c>rates</c> metrics document. Rates are percentages (null when their denominator is 0):
/// bounce = bounced sessions / sessions; conversion = customers with an order / customers;
/// cart abandonment = abandoned carts / carts created; repeat purchase = customers with orders on
/// two or more days / customers with an order; cancel and return = cancelled and refunded orders /
/// orders; CSAT = feedback rated 4-5 (<c>csatSatisfied</c>) / feedback responses; email click-to-open = clicks / opens;
/// email engagement = customers who opened or clicked / customers. The counts are cumulative up to
/// the end of D, so the figures of a period come from the difference of two dates' documents
/// (<see cref="RatesPeriods"/>).
/// </summary>
public sealed record RatesMetrics(
    long Customers,
    long Sessions,
    long Bounces,
    double? BounceRate,
    long Buyers,
    double? ConversionRate,
    long CartsCreated,
    long CartsAbandoned,
    double? CartAbandonmentRate,
    long Orders,
    decimal Revenue,
    decimal? AverageOrderValue,
    long RepeatBuyers,
    double? RepeatPurchaseRate,
    long Cancels,
    double? CancelRate,
    long Returns,
    double? ReturnRate,
    long CsatResponses,
    long CsatSatisfied,
    double? Csat,
    EmailRates Email);

public sealed record EmailRates(
    long Opens,
    long Clicks,
    long CustomersOpened,
    long CustomersClicked,
    double? ClickToOpenRate,
    double? EngagementRate,
    long PurchasesAfterEmail,
    long CustomersPurchasedAfterEmail);

/// <summary>The shop-wide rates, accumulated one customer at a time.</summary>
public sealed class RatesAccumulator
{
    private long _customers, _sessions, _bounces, _buyers, _cartsCreated, _cartsAbandoned, _orders, _repeatBuyers;
    private long _cancels, _returns, _csatResponses, _csatSatisfied;
    private long _opens, _clicks, _customersOpened, _customersClicked, _customersEngaged, _purchasesAfterEmail, _customersPurchasedAfterEmail;
    private decimal _revenue;

    public void Add(CustomerFacts c)
    {
        _customers++;
        _sessions += c.Sessions;
        _bounces += c.Bounces;
        _cartsCreated += c.CartsCreated;
        _cartsAbandoned += c.CartsAbandoned;
        if (c.Orders.Count > 0)
        {
            _buyers++;
            _orders += c.Orders.Count;
            _revenue += c.Revenue;
            if (AsOf.DayOf(c.Orders[^1].At) != AsOf.DayOf(c.Orders[0].At)) _repeatBuyers++;
        }
        _cancels += c.Cancels;
        _returns += c.Returns;
        _csatResponses += c.CsatResponses;
        _csatSatisfied += c.CsatSatisfied;
        _opens += c.EmailOpened;
        _clicks += c.EmailClicked;
        if (c.EmailOpened > 0) _customersOpened++;
        if (c.EmailClicked > 0) _customersClicked++;
        if (c.EmailOpened > 0 || c.EmailClicked > 0) _customersEngaged++;
        _purchasesAfterEmail += c.OrdersAfterEmail;
        if (c.OrdersAfterEmail > 0) _customersPurchasedAfterEmail++;
    }

    public RatesMetrics Result() => new(
        _customers,
        _sessions,
        _bounces,
        Figures.Percent(_bounces, _sessions),
        _buyers,
        Figures.Percent(_buyers, _customers),
        _cartsCreated,
        _cartsAbandoned,
        Figures.Percent(_cartsAbandoned, _cartsCreated),
        _orders,
        _revenue,
        _orders == 0 ? null : Math.Round(_revenue / _orders, 2),
        _repeatBuyers,
        Figures.Percent(_repeatBuyers, _buyers),
        _cancels,
        Figures.Percent(_cancels, _orders),
        _returns,
        Figures.Percent(_returns, _orders),
        _csatResponses,
        _csatSatisfied,
        Figures.Percent(_csatSatisfied, _csatResponses),
        new EmailRates(
            _opens,
            _clicks,
            _customersOpened,
            _customersClicked,
            Figures.Percent(_clicks, _opens),
            Figures.Percent(_customersEngaged, _customers),
            _purchasesAfterEmail,
            _customersPurchasedAfterEmail));
}
