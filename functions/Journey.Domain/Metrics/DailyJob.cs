using System.Runtime.InteropServices;
using System.Text.Json;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Domain.Serialization;
using Journey.Domain.Stages;
using Microsoft.Extensions.Logging;

namespace Journey.Domain.Metrics;

/// <summary>
/// The daily job as of a date D: one scan of the customers (only events up to the end of D count,
/// see <see cref="CustomerFacts"/>), the CLV fit and scores, one <c>metrics</c> document per kind
/// (written only when its figures changed) and the customers' <c>predictions</c> (patched only
/// where they changed). Running it twice for the same date writes nothing the second time.
/// </summary>
public sealed class DailyJob
{
    private readonly ICustomerStore _customers;
    private readonly IMetricsStore _metrics;
    private readonly IPredictionStore _predictions;
    private readonly DailyJobOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<DailyJob> _logger;
    private readonly JourneyFold _fold;

    public DailyJob(
        ICustomerStore customers,
        IMetricsStore metrics,
        IPredictionStore predictions,
        JourneyRulesOptions rules,
        DailyJobOptions options,
        TimeProvider clock,
        ILogger<DailyJob> logger)
    {
        _customers = customers;
        _metrics = metrics;
        _predictions = predictions;
        _options = options;
        _clock = clock;
        _logger = logger;
        _fold = new JourneyFold(rules);
    }

    /// <summary>The date the scheduled run computes: yesterday (UTC), the last complete day.</summary>
    public static DateOnly DefaultAsOf(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);

    public async Task<DailyJobSummary> RunAsync(DateOnly asOf, IProgress<DailyJobProgress>? progress, CancellationToken cancellationToken)
    {
        var started = _clock.GetTimestamp();
        var when = new AsOf(asOf);
        _logger.LogInformation("Daily job as of {AsOf} started", when.Text);

        // 1. One scan: the streaming metrics take each customer as it comes; buyers keep a compact row.
        var retention = new RetentionAccumulator(asOf);
        var funnel = new FunnelAccumulator();
        var rates = new RatesAccumulator();
        var rows = new List<BuyerRow>();
        var pool = new StringPool();
        var patches = new PredictionPatcher(_predictions, _options.PredictionBatchSize);
        var nonBuyerPredictions = new Predictions { AsOf = when.Text };
        var nonBuyerHash = PredictionsHash.Of(nonBuyerPredictions);
        long scanned = 0, counted = 0, approximate = 0;
        long reread = 0;
        await foreach (var projection in _customers.ScanProjectionsAsync(cancellationToken))
        {
            scanned++;
            if (scanned % _options.ProgressInterval == 0) progress?.Report(new DailyJobProgress("scan", scanned, counted));
            // The projection is the customer as of D unless something happened after D: then the
            // events are folded again up to D, from the whole document (a point read).
            var doc = projection;
            if (projection.LastSeen is { } lastSeen && !when.Includes(lastSeen) && !projection.IsRedirect)
            {
                if (await _customers.GetAsync(projection.Id, cancellationToken) is not { } full) continue; // deleted meanwhile
                doc = full.Document;
                reread++;
            }
            var facts = CustomerFacts.From(doc, asOf, _fold);
            if (facts is null) continue;
            counted++;
            if (facts.Approximate) approximate++;
            retention.Add(facts);
            funnel.Add(facts);
            rates.Add(facts);
            if (facts.Orders.Count > 0) rows.Add(BuyerRow.From(facts, asOf, pool));
            else if (facts.StoredPredictions is not null && PredictionsHash.Of(facts.StoredPredictions) != nonBuyerHash)
            {
                // Predictions from a run for a later date, when the customer had ordered: nothing is predicted as of D.
                await patches.AddAsync(new PredictionUpdate(doc.Id, new Predictions { AsOf = when.Text }), cancellationToken);
            }
        }
        progress?.Report(new DailyJobProgress("metrics", scanned, counted));
        _logger.LogInformation("Daily job as of {AsOf}: scanned {Scanned} documents ({Reread} read again whole: active after the date), {Counted} customers counted ({Approximate} approximate), {Buyers} with orders",
            when.Text, scanned, reread, counted, approximate, rows.Count);

        // 2. Per-customer metrics over the compact rows.
        var (rfm, clv, best) = PerCustomerMetrics(rows);

        // 3. The metrics documents, each written only when its figures changed.
        var written = 0;
        var unchanged = 0;
        var documents = new (string Kind, JsonElement Data)[]
        {
            (MetricKinds.Retention, Element(retention.Result())),
            (MetricKinds.Rfm, Element(rfm)),
            (MetricKinds.Funnel, Element(funnel.Result())),
            (MetricKinds.Rates, Element(rates.Result())),
            (MetricKinds.Clv, Element(clv.Metrics)),
            (MetricKinds.BestCustomers, Element(best)),
        };
        foreach (var (kind, data) in documents)
        {
            var stored = await _metrics.GetAsync(kind, when.Text, cancellationToken);
            if (stored is not null && MetricsFigures.Same(stored.Data, data))
            {
                unchanged++;
                continue;
            }
            await _metrics.UpsertAsync(new MetricsDocument
            {
                Id = MetricsDocument.IdFor(kind, when.Text),
                Kind = kind,
                Date = when.Text,
                Data = data,
                Run = new MetricsRun { ComputedAt = _clock.GetUtcNow(), Seconds = Math.Round(_clock.GetElapsedTime(started).TotalSeconds, 3), Customers = counted },
            }, cancellationToken);
            written++;
        }

        // 4. The predictions, patched where they changed.
        progress?.Report(new DailyJobProgress("predictions", scanned, counted));
        for (var i = 0; i < rows.Count; i++)
        {
            var predictions = PredictionsOf(rows[i], when);
            if (PredictionsHash.Of(predictions) != rows[i].StoredPredictionsHash)
                await patches.AddAsync(new PredictionUpdate(rows[i].Id, predictions), cancellationToken);
        }
        await patches.FlushAsync(cancellationToken);

        var summary = new DailyJobSummary(
            asOf, scanned, counted, approximate, written, unchanged, patches.Patched,
            Math.Round(clv.FitTime.TotalSeconds, 3), Math.Round(clv.ScoreTime.TotalSeconds, 3), Math.Round(_clock.GetElapsedTime(started).TotalSeconds, 3));
        progress?.Report(new DailyJobProgress("done", scanned, counted));
        _logger.LogInformation(
            "Daily job as of {AsOf} done in {TotalSeconds} s: {Counted} of {Scanned} customers counted ({Approximate} approximate); metrics written {Written}, unchanged {Unchanged}; predictions patched {Patched}; CLV {ClvStatus} (fit {FitSeconds} s, scoring {ScoreSeconds} s)",
            when.Text, summary.TotalSeconds, counted, scanned, approximate, written, unchanged, patches.Patched, clv.Metrics.Status, summary.ClvFitSeconds, summary.ClvScoreSeconds);
        return summary;
    }

    /// <summary>RFM, CLV and best customers over the rows, sorted by id first so that every run fits and ranks alike.</summary>
    private (RfmMetrics Rfm, ClvStep.Outcome Clv, BestCustomersMetrics Best) PerCustomerMetrics(List<BuyerRow> rows)
    {
        rows.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        var span = CollectionsMarshal.AsSpan(rows);
        var rfm = RfmSegments.Apply(span);
        var clv = ClvStep.Run(span, _options, _logger);
        var best = BestCustomers.Compute(span, _options.BestCustomersShare);
        return (rfm, clv, best);
    }

    /// <summary>A customer's predictions as of D (the CLV figures only when the model was fitted).</summary>
    internal static Predictions PredictionsOf(in BuyerRow row, AsOf when) => new()
    {
        AsOf = when.Text,
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

    /// <summary>
    /// Sends prediction patches in batches, a few batches in flight at once (the store commits
    /// batches that wait together in one transaction; Cosmos DB runs their patches in parallel).
    /// </summary>
    private sealed class PredictionPatcher(IPredictionStore store, int batchSize)
    {
        private const int MaxBatchesInFlight = 4;
        private readonly Queue<Task> _inFlight = new();
        private List<PredictionUpdate> _batch = new(batchSize);

        public long Patched { get; private set; }

        public async Task AddAsync(PredictionUpdate update, CancellationToken cancellationToken)
        {
            _batch.Add(update);
            if (_batch.Count >= batchSize) await SendAsync(cancellationToken);
        }

        /// <summary>Sends what is left and waits until every batch is written.</summary>
        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            await SendAsync(cancellationToken);
            while (_inFlight.Count > 0) await _inFlight.Dequeue();
        }

        private async Task SendAsync(CancellationToken cancellationToken)
        {
            if (_batch.Count > 0)
            {
                _inFlight.Enqueue(store.PatchPredictionsAsync(_batch, cancellationToken));
                Patched += _batch.Count;
                _batch = new List<PredictionUpdate>(batchSize);
            }
            while (_inFlight.Count >= MaxBatchesInFlight) await _inFlight.Dequeue();
        }
    }
}
