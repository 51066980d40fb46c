using System.Text.Json;
using Journey.Domain.Serialization;

namespace Journey.Domain.Metrics;

/// <summary>
/// The rates of one period (<see cref="From"/>, <see cref="Until"/>]: what happened after the end of
/// the day <see cref="From"/> up to the end of <see cref="Until"/>, from the difference of the two
/// dates' cumulative <c>rates</c> documents. Rates are percentages, null when their denominator is 0:
/// bounce = bounces / sessions; conversion = new buyers (customers whose first order fell in the
/// period) / new customers (first seen in the period); cart abandonment = carts abandoned / carts
/// created; cancel and return = cancellations and refunds / orders of the period (a cancellation may
/// be of an earlier order, so a quiet period can pass 100 %); CSAT = satisfied / responses.
/// <see cref="Restated"/>: a count went down between the two documents (an erasure, or a past rewritten
/// by late events or changed rules); the counts that went down are null, and so is every rate.
/// </summary>
public sealed record RatesPeriod(
    string From,
    string Until,
    bool Restated,
    long? Sessions,
    long? Bounces,
    double? BounceRate,
    long? NewCustomers,
    long? NewBuyers,
    double? ConversionRate,
    long? CartsCreated,
    long? CartsAbandoned,
    double? CartAbandonmentRate,
    long? Orders,
    decimal? Revenue,
    decimal? AverageOrderValue,
    long? Cancels,
    double? CancelRate,
    long? Returns,
    double? ReturnRate,
    long? CsatResponses,
    double? Csat);

/// <summary>Turns a date-ordered list of <c>rates</c> documents into the figures of each period between consecutive dates.</summary>
public static class RatesPeriods
{
    /// <summary>
    /// One period per consecutive pair of documents (n documents give n - 1 periods). The documents
    /// must be of kind <c>rates</c> with strictly increasing dates.
    /// </summary>
    public static IReadOnlyList<RatesPeriod> Of(IReadOnlyList<MetricsDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var periods = new List<RatesPeriod>(Math.Max(0, documents.Count - 1));
        for (var i = 1; i < documents.Count; i++)
        {
            var (previous, current) = (documents[i - 1], documents[i]);
            if (string.CompareOrdinal(previous.Date, current.Date) >= 0)
                throw new ArgumentException($"The rates documents are not in increasing date order: {previous.Date} then {current.Date}.", nameof(documents));
            periods.Add(Between(previous.Date, Rates(previous), current.Date, Rates(current)));
        }
        return periods;
    }

    /// <summary>The period (<paramref name="from"/>, <paramref name="until"/>] from the cumulative figures at both ends.</summary>
    public static RatesPeriod Between(string from, RatesMetrics before, string until, RatesMetrics after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var restated = false;
        long? Difference(long a, long b)
        {
            if (b >= a) return b - a;
            restated = true;
            return null;
        }
        var sessions = Difference(before.Sessions, after.Sessions);
        var bounces = Difference(before.Bounces, after.Bounces);
        var customers = Difference(before.Customers, after.Customers);
        var buyers = Difference(before.Buyers, after.Buyers);
        var cartsCreated = Difference(before.CartsCreated, after.CartsCreated);
        var cartsAbandoned = Difference(before.CartsAbandoned, after.CartsAbandoned);
        var orders = Difference(before.Orders, after.Orders);
        var cancels = Difference(before.Cancels, after.Cancels);
        var returns = Difference(before.Returns, after.Returns);
        var responses = Difference(before.CsatResponses, after.CsatResponses);
        var satisfied = Difference(Satisfied(before), Satisfied(after));
        decimal? revenue = after.Revenue >= before.Revenue ? after.Revenue - before.Revenue : null;
        restated |= revenue is null;

        double? Rate(long? part, long? whole) => restated || part is not { } p || whole is not { } w ? null : Figures.Percent(p, w);
        return new RatesPeriod(
            from,
            until,
            restated,
            sessions,
            bounces,
            Rate(bounces, sessions),
            customers,
            buyers,
            Rate(buyers, customers),
            cartsCreated,
            cartsAbandoned,
            Rate(cartsAbandoned, cartsCreated),
            orders,
            revenue,
            restated || orders is not > 0 || revenue is not { } r ? null : Math.Round(r / orders.Value, 2),
            cancels,
            Rate(cancels, orders),
            returns,
            Rate(returns, orders),
            responses,
            Rate(satisfied, responses));
    }

    /// <summary>
    /// The satisfied responses; a document written before they were counted has only the rate, which
    /// gives them back (exact while responses stay below 10,000: the rate has two decimals).
    /// </summary>
    private static long Satisfied(RatesMetrics rates) =>
        rates.CsatSatisfied > 0 || rates.Csat is not { } csat ? rates.CsatSatisfied : (long)Math.Round(csat * rates.CsatResponses / 100);

    private static RatesMetrics Rates(MetricsDocument document)
    {
        if (document.Kind != MetricKinds.Rates)
            throw new ArgumentException($"The document {document.Id} is of kind {document.Kind}, not {MetricKinds.Rates}.", nameof(document));
        return document.Data.Deserialize<RatesMetrics>(JourneyJson.Options) ?? throw new JsonException($"The metrics document {document.Id} has no data.");
    }
}

/// <summary>The answer of <c>GET /api/rates/periods</c>: the periods between consecutive <c>rates</c> documents, oldest first.</summary>
public sealed record RatesPeriodSeries(IReadOnlyList<RatesPeriod> Points);
