using System.Runtime.InteropServices;
using System.Text.Json;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Extensions.Logging;

namespace Journey.Domain.Metrics;

/// <summary>
/// The daily job's figures as of a date D, computed customer by customer: the streaming metrics
/// (retention, funnel, rates) take each customer's <see cref="CustomerFacts"/> as it comes, and each
/// buyer keeps a compact row for the per-customer metrics (RFM, CLV, best customers), so memory
/// grows with buyers, not with document size. Pure: it reads no store and no clock; the application's
/// job feeds it and writes what it returns.
/// </summary>
public sealed class DailyMetrics(DateOnly asOf, DailyJobOptions options, ILogger logger)
{
    private readonly AsOf _when = new(asOf);
    private readonly string _asOfText = new AsOf(asOf).Text; // formatted once, not per customer
    private readonly RetentionAccumulator _retention = new(asOf);
    private readonly FunnelAccumulator _funnel = new();
    private readonly RatesAccumulator _rates = new();
    private readonly List<BuyerRow> _rows = [];
    private readonly StringPool _pool = new();
    private bool _computed;

    /// <summary>Customers counted so far with at least one order by D.</summary>
    public int Buyers => _rows.Count;

    /// <summary>
    /// Counts one customer. Returns the update its document needs when that is known now (a customer
    /// without orders: its lifecycle status, from inactivity); a buyer's update comes from
    /// <see cref="ChangedCustomers"/> after <see cref="Compute"/>. Null when nothing changed.
    /// </summary>
    public PredictionUpdate? Add(CustomerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (_computed) throw new InvalidOperationException("The metrics were already computed; start a new DailyMetrics.");
        _retention.Add(facts);
        _funnel.Add(facts);
        _rates.Add(facts);
        if (facts.Orders.Count > 0)
        {
            _rows.Add(BuyerRow.From(facts, _when.Date, _pool));
            return null;
        }
        // Predictions from a run for a later date, when the customer had ordered: nothing is predicted as of D.
        var predictions = new Predictions { AsOf = _asOfText };
        var changedPredictions = facts.StoredPredictions is not null && PredictionsHash.Of(facts.StoredPredictions) != PredictionsHash.Of(predictions);
        return Update(facts.Id, changedPredictions ? predictions : null, LifecycleRule.StatusAsOf(facts.DaysInactive, null, options), facts.StoredLifecycleStatus);
    }

    /// <summary>The per-customer metrics over the buyers' rows, and every metrics document's figures, by kind.</summary>
    public DailyMetricsResult Compute()
    {
        if (_computed) throw new InvalidOperationException("The metrics were already computed.");
        _computed = true;
        // Sorted by id first, so that every run fits and ranks alike.
        _rows.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        var span = CollectionsMarshal.AsSpan(_rows);
        var rfm = RfmSegments.Apply(span);
        var clv = ClvStep.Run(span, options, logger);
        var best = BestCustomers.Compute(span, options.BestCustomersShare);
        IReadOnlyList<MetricsData> documents =
        [
            new(MetricKinds.Retention, Element(_retention.Result())),
            new(MetricKinds.Rfm, Element(rfm)),
            new(MetricKinds.Funnel, Element(_funnel.Result())),
            new(MetricKinds.Rates, Element(_rates.Result())),
            new(MetricKinds.Clv, Element(clv.Metrics)),
            new(MetricKinds.BestCustomers, Element(best)),
        ];
        return new DailyMetricsResult(documents, clv.Metrics.Status, clv.FitTime, clv.ScoreTime);
    }

    /// <summary>
    /// After <see cref="Compute"/>: the buyers whose stored predictions or lifecycle status differ from
    /// those as of D, with the new ones (P(alive) decides the status of a repeat buyer once the model is fitted).
    /// </summary>
    public IEnumerable<PredictionUpdate> ChangedCustomers()
    {
        if (!_computed) throw new InvalidOperationException("Compute the metrics first.");
        for (var i = 0; i < _rows.Count; i++)
        {
            var row = _rows[i];
            var predictions = PredictionsOf(row, _asOfText);
            var probabilityAlive = row.Scored && row.Repeat.Frequency > 0 ? row.ProbabilityAlive : (double?)null;
            var status = LifecycleRule.StatusAsOf(row.DaysInactive, probabilityAlive, options);
            if (Update(row.Id, PredictionsHash.Of(predictions) != row.StoredPredictionsHash ? predictions : null, status, row.StoredLifecycleStatus) is { } update)
                yield return update;
        }
    }

    /// <summary>
    /// After <see cref="Compute"/>: each buyer's standing as of D (lifecycle status, rhythm, best or not),
    /// what the model-based action rules decide on.
    /// </summary>
    public IEnumerable<CustomerStanding> Standings()
    {
        if (!_computed) throw new InvalidOperationException("Compute the metrics first.");
        for (var i = 0; i < _rows.Count; i++)
        {
            var row = _rows[i];
            var probabilityAlive = row.Scored && row.Repeat.Frequency > 0 ? row.ProbabilityAlive : (double?)null;
            var status = LifecycleRule.StatusAsOf(row.DaysInactive, probabilityAlive, options);
            // The status holds since the stored date when it is the stored status, else since D.
            var since = status == row.StoredLifecycleStatus && AsOf.TryParse(row.StoredLifecycleSince, out var stored) && stored <= _when.Date
                ? stored : _when.Date;
            yield return new CustomerStanding(
                row.Id,
                status,
                since,
                probabilityAlive,
                row.RecencyDays,
                row.Repeat.Frequency > 0 ? row.Repeat.Recency / row.Repeat.Frequency : null,
                row.LastOrderId,
                row.Best,
                row.PositiveReview);
        }
    }

    /// <summary>The update of one customer: the predictions when they changed, the status (since D) when it changed; null when neither did.</summary>
    private PredictionUpdate? Update(string id, Predictions? changedPredictions, string status, string? storedStatus)
    {
        var lifecycle = status == storedStatus ? null : new LifecycleStatus(status, _asOfText);
        return changedPredictions is null && lifecycle is null ? null : new PredictionUpdate(id, changedPredictions, lifecycle);
    }

    /// <summary>A buyer's predictions as of D (the CLV figures only when the model was fitted).</summary>
    internal static Predictions PredictionsOf(in BuyerRow row, string asOf) => new()
    {
        AsOf = asOf,
        RfmSegment = RfmSegments.Name(row.Segment),
        ProbabilityAlive = row.Scored ? row.ProbabilityAlive : null,
        ExpectedPurchases30 = row.Scored ? row.ExpectedPurchases30 : null,
        ExpectedPurchases90 = row.Scored ? row.ExpectedPurchases90 : null,
        ExpectedPurchases365 = row.Scored ? row.ExpectedPurchases365 : null,
        ExpectedOrderValue = row.Scored ? row.ExpectedOrderValue : null,
        PredictedClv = row.Scored ? row.PredictedClv : null,
        HistoricalClv = Math.Round(row.Revenue, 2),
    };

    private static JsonElement Element<T>(T value) => JsonSerializer.SerializeToElement(value, JourneyJson.Options);
}

/// <summary>A buyer as of D, for the model-based action rules.</summary>
/// <param name="Id">The customer document's id.</param>
/// <param name="LifecycleStatus">One of <see cref="LifecycleRule"/>'s statuses.</param>
/// <param name="StatusSince">The day the status took hold (D when it changed with this run).</param>
/// <param name="ProbabilityAlive">P(alive) of a repeat buyer scored by a fitted model.</param>
/// <param name="DaysSinceLastOrder">Whole days from the last order day to D.</param>
/// <param name="MeanDaysBetweenOrders">The customer's own mean days between order days (repeat buyers only).</param>
/// <param name="LastOrderId">The last order by D.</param>
/// <param name="Best">Among the best customers.</param>
/// <param name="PositiveReview">Wrote a review rated 4 or 5.</param>
public sealed record CustomerStanding(
    string Id, string LifecycleStatus, DateOnly StatusSince, double? ProbabilityAlive, int DaysSinceLastOrder, double? MeanDaysBetweenOrders, string LastOrderId, bool Best, bool PositiveReview);

/// <summary>One metrics document's figures: its kind and its <c>data</c>.</summary>
public sealed record MetricsData(string Kind, JsonElement Data);

/// <summary>What <see cref="DailyMetrics.Compute"/> found: the documents' figures and how the CLV step went.</summary>
public sealed record DailyMetricsResult(IReadOnlyList<MetricsData> Documents, string ClvStatus, TimeSpan ClvFitTime, TimeSpan ClvScoreTime);
