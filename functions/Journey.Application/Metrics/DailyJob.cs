using Journey.Application.Actions;
using Journey.Domain.Actions;
using Journey.Domain.Metrics;
using System.Text.Json;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Domain.Serialization;
using Journey.Domain.Stages;
using Microsoft.Extensions.Logging;

namespace Journey.Application.Metrics;

/// <summary>
/// The daily job as of a date D: one scan of the customers (only events up to the end of D count,
/// see <see cref="CustomerFacts"/>), one scan of the transitions (the journey map, those up to the end
/// of D), the CLV fit and scores, one <c>metrics</c> document per kind
/// (written only when its figures changed) and the customers' <c>predictions</c> (patched only
/// where they changed). Running it twice for the same date writes nothing the second time.
/// </summary>
public sealed class DailyJob
{
    private readonly ICustomerStore _customers;
    private readonly ITransitionScan _transitions;
    private readonly IMetricsStore _metrics;
    private readonly IPredictionStore _predictions;
    private readonly DailyJobOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<DailyJob> _logger;
    private readonly JourneyFold _fold;
    private readonly DailyActions? _actions;

    public DailyJob(
        ICustomerStore customers,
        ITransitionScan transitions,
        IMetricsStore metrics,
        IPredictionStore predictions,
        JourneyRulesOptions rules,
        DailyJobOptions options,
        TimeProvider clock,
        ILogger<DailyJob> logger,
        DailyActions? actions = null)
    {
        _customers = customers;
        _transitions = transitions;
        _metrics = metrics;
        _predictions = predictions;
        _options = options;
        _clock = clock;
        _logger = logger;
        _fold = new JourneyFold(rules);
        _actions = actions;
    }

    /// <summary>The date the scheduled run computes: yesterday (UTC), the last complete day.</summary>
    public static DateOnly DefaultAsOf(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);

    public Task<DailyJobSummary> RunAsync(DateOnly asOf, IProgress<DailyJobProgress>? progress, CancellationToken cancellationToken) =>
        RunAsync(asOf, metricsOnly: false, progress, cancellationToken);

    /// <summary>
    /// Runs the job as of <paramref name="asOf"/>; with <paramref name="metricsOnly"/> it writes only the
    /// metrics documents (a backfill of past dates: the customers' predictions and statuses and the
    /// model-based follow-ups stay those of the latest full run).
    /// </summary>
    public async Task<DailyJobSummary> RunAsync(DateOnly asOf, bool metricsOnly, IProgress<DailyJobProgress>? progress, CancellationToken cancellationToken)
    {
        var started = _clock.GetTimestamp();
        var when = new AsOf(asOf);
        _logger.DailyJobStarted(when.Text);

        // 1. One scan: each customer is counted as of D as it comes; nothing is held but the buyers' compact rows.
        var metrics = new DailyMetrics(asOf, _options, _logger);
        var patches = new PredictionPatcher(_predictions, _options.PredictionBatchSize);
        var actionMetrics = _actions is null ? null : await _actions.StartMetricsAsync(asOf, cancellationToken);
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
            actionMetrics?.Add(facts);
            if (metrics.Add(facts) is { } update && !metricsOnly) await patches.AddAsync(update, cancellationToken);
        }
        _logger.DailyJobScanned(when.Text, scanned, reread, counted, approximate, metrics.Buyers);

        // 2. One scan of the transitions, in any order: the journey map keeps a compact entry per customer.
        progress?.Report(new DailyJobProgress("journey", scanned, counted));
        var journeyStarted = _clock.GetTimestamp();
        var journey = new JourneyMapAccumulator(asOf);
        await foreach (var transition in _transitions.ScanTransitionsAsync(since: null, cancellationToken)) journey.Add(transition);
        var journeyData = JsonSerializer.SerializeToElement(journey.Result(), JourneyJson.Options);
        var journeySeconds = Math.Round(_clock.GetElapsedTime(journeyStarted).TotalSeconds, 3);
        _logger.DailyJobJourneyMapped(when.Text, journey.Counted, journey.Skipped, journey.Customers, journeySeconds);

        // 3. The per-customer metrics (RFM, CLV, best customers) and every document's figures.
        progress?.Report(new DailyJobProgress("metrics", scanned, counted));
        var result = metrics.Compute();
        List<MetricsData> documents = [.. result.Documents, new MetricsData(MetricKinds.Journey, journeyData)];
        if (actionMetrics is not null) documents.Add(new MetricsData(MetricKinds.Actions, JsonSerializer.SerializeToElement(actionMetrics.Result(), JourneyJson.Options)));

        // 4. The metrics documents, each written only when its figures changed.
        var written = 0;
        var unchanged = 0;
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

        // 5. The buyers' predictions, patched where they changed.
        progress?.Report(new DailyJobProgress("predictions", scanned, counted));
        if (!metricsOnly)
        {
            foreach (var update in metrics.ChangedCustomers()) await patches.AddAsync(update, cancellationToken);
        }
        await patches.FlushAsync(cancellationToken);

        // 6. The model-based follow-ups on each buyer's standing as of D.
        var actionsAdded = _actions is null || metricsOnly ? 0 : await _actions.CaptureAsync(metrics.Standings(), asOf, cancellationToken);

        var summary = new DailyJobSummary(
            asOf, scanned, counted, approximate, written, unchanged, patches.Patched,
            Math.Round(result.ClvFitTime.TotalSeconds, 3), Math.Round(result.ClvScoreTime.TotalSeconds, 3), Math.Round(_clock.GetElapsedTime(started).TotalSeconds, 3), actionsAdded,
            journey.Counted, journeySeconds);
        progress?.Report(new DailyJobProgress("done", scanned, counted));
        _logger.DailyJobDone(
            when.Text, summary.TotalSeconds, counted, scanned, approximate, written, unchanged, patches.Patched, result.ClvStatus, summary.ClvFitSeconds, summary.ClvScoreSeconds);
        return summary;
    }

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
