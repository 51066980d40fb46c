using Journey.Application.Processing;
using Journey.Domain.Feedback;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace Journey.Application.PainPoints;

/// <summary>
/// What embeds and names the texts: the local model always; Azure OpenAI when it is configured, through
/// <paramref name="StartRemoteRun"/>, called once per run (a run's token and cost caps cover its calls).
/// </summary>
public sealed record SummarizerEngines(ITextEmbedder Local, Func<SummarizerRemote>? StartRemoteRun = null);

/// <summary>One run's remote embedder (null: embed locally) and namer (null: keep the local labels).</summary>
public sealed record SummarizerRemote(ITextEmbedder? Embedder, IClusterNamer? Namer);

/// <summary>One text of the period and the pain point it went to (-1: other).</summary>
public sealed record TextAssignment(FeedbackItem Item, int Cluster, string Label);

/// <summary>What a run did.</summary>
public sealed record PainPointRunSummary(
    PeriodWindow Window,
    string Method,
    int Items,
    int Negatives,
    int PreviousNegatives,
    int Embedded,
    int Reused,
    double Seconds,
    IReadOnlyList<PainPointDocument> Documents,
    IReadOnlyList<TextAssignment> Assignments);

/// <summary>
/// The pain-point summarizer for a period: reads the period's feedback and the previous period's,
/// keeps the negative signals, embeds each text once (an embedding is kept with its item, so a later
/// run embeds only new texts), clusters, names the clusters (Azure OpenAI when configured, else the
/// local key phrases), counts each pain point's customers, stages, products, channels and revenue at
/// risk, and replaces the period's <c>painpoints</c> documents.
/// </summary>
public sealed class PainPointJob(
    IFeedbackStore feedback,
    IPainPointStore painPoints,
    CustomerLookup customers,
    SummarizerEngines engines,
    SummarizerOptions options,
    TimeProvider clock,
    ILogger<PainPointJob> logger)
{
    private const int EmbeddingWriteBatch = 500;
    private const int MaxConcurrentCustomerReads = 8;

    /// <summary>The window the scheduled run and the command use by default: <see cref="SummarizerOptions.PeriodDays"/> days up to <paramref name="until"/>.</summary>
    public PeriodWindow DefaultWindow(DateOnly until) => PeriodWindow.Ending(until, options.PeriodDays);

    public async Task<PainPointRunSummary> RunAsync(PeriodWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var started = clock.GetTimestamp();
        var previousWindow = window.Previous();

        var all = new List<FeedbackItem>();
        await foreach (var item in feedback.ListAsync(previousWindow.Start, window.End, cancellationToken)) all.Add(item);
        var current = all.Where(i => i.Time >= window.Start && options.IsNegative(i)).ToList();
        var previous = all.Where(i => i.Time < window.Start && options.IsNegative(i)).ToList();
        var itemsInWindow = all.Count(i => i.Time >= window.Start);

        var remote = engines.StartRemoteRun?.Invoke() ?? new SummarizerRemote(null, null);
        logger.PainPointsStarted(window.Period, itemsInWindow, current.Count, previous.Count, (remote.Embedder ?? engines.Local).Model);
        var (vectors, method, embedded, reused) = await EmbedAsync(remote.Embedder, all, [.. current, .. previous], cancellationToken);
        var analysis = PainPointAnalysis.Run(
            current.Select(i => new EmbeddedFeedback(i, vectors[i.Id])).ToList(),
            previous.Select(i => new EmbeddedFeedback(i, vectors[i.Id])).ToList(),
            options);

        var names = await NameAsync(remote.Namer, analysis, cancellationToken);
        if (names.Any(n => n is not null)) method += "+openai-names";
        var customerOf = await CustomersAsync(current, cancellationToken);
        var documents = analysis.Documents(window, names, customerOf, method, clock.GetUtcNow(), options);
        await painPoints.ReplacePeriodAsync(window.Period, documents, cancellationToken);

        var seconds = clock.GetElapsedTime(started).TotalSeconds;
        var other = analysis.Assignments.Count(a => a < 0);
        logger.PainPointsWritten(window.Period, analysis.Clusters.Count, other, seconds);
        var labels = documents.Where(d => !d.IsOther).Select(d => d.Label).ToList();
        var assignments = current.Select((item, i) => new TextAssignment(item, analysis.Assignments[i], analysis.Assignments[i] >= 0 ? labels[analysis.Assignments[i]] : "Other")).ToList();
        return new PainPointRunSummary(window, method, itemsInWindow, current.Count, previous.Count, embedded, reused, seconds, documents, assignments);
    }

    /// <summary>
    /// A vector for every negative text: the one kept with the item when it was made by the embedder
    /// in use, else the one of another item with the same text, else a new one (stored with the item).
    /// When Azure OpenAI is configured and fails (its budget, the service), the whole run falls back
    /// to the local model, whose vectors are not stored so as not to replace the remote ones.
    /// </summary>
    private async Task<(Dictionary<string, float[]> Vectors, string Method, int Embedded, int Reused)> EmbedAsync(
        ITextEmbedder? remote, List<FeedbackItem> all, List<FeedbackItem> wanted, CancellationToken ct)
    {
        if (remote is not null)
        {
            try
            {
                var made = await EmbedWithAsync(remote, all, wanted, store: true, ct);
                return (made.Vectors, "openai", made.Embedded, made.Reused);
            }
            catch (TextEmbedderUnavailableException ex)
            {
                logger.EmbedderFallback(ex, remote.Model, engines.Local.Model);
                var local = await EmbedWithAsync(engines.Local, all, wanted, store: false, ct);
                return (local.Vectors, MethodOf(engines.Local), local.Embedded, local.Reused);
            }
        }
        var result = await EmbedWithAsync(engines.Local, all, wanted, store: true, ct);
        return (result.Vectors, MethodOf(engines.Local), result.Embedded, result.Reused);
    }

    private static string MethodOf(ITextEmbedder embedder) => embedder.Model.Contains("MiniLM", StringComparison.OrdinalIgnoreCase) ? "minilm" : embedder.Model;

    private async Task<(Dictionary<string, float[]> Vectors, int Embedded, int Reused)> EmbedWithAsync(
        ITextEmbedder embedder, List<FeedbackItem> all, List<FeedbackItem> wanted, bool store, CancellationToken ct)
    {
        var byHash = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var item in all)
        {
            if (item.Embedding is { } e && e.Model == embedder.Model) byHash.TryAdd(item.TextHash, e.Vector);
        }

        var missing = wanted.Where(i => !byHash.ContainsKey(i.TextHash)).GroupBy(i => i.TextHash, StringComparer.Ordinal).Select(g => g.First()).ToList();
        for (var start = 0; start < missing.Count; start += options.EmbeddingBatchSize)
        {
            var chunk = missing.Skip(start).Take(options.EmbeddingBatchSize).ToList();
            var made = await embedder.EmbedAsync(chunk.Select(i => EmbeddedFeedback.TextOf(i)).ToList(), ct);
            if (made.Count != chunk.Count)
                throw new InvalidOperationException($"The embedder {embedder.Model} returned {made.Count} vectors for {chunk.Count} texts.");
            for (var i = 0; i < chunk.Count; i++) byHash[chunk[i].TextHash] = made[i];
        }

        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var toStore = new List<FeedbackItem>();
        var reused = 0;
        foreach (var item in wanted)
        {
            var vector = byHash[item.TextHash];
            vectors[item.Id] = vector;
            if (item.Embedding is { } e && e.Model == embedder.Model)
            {
                reused++;
                continue;
            }
            if (!store) continue;
            item.Embedding = new FeedbackEmbedding(embedder.Model, vector);
            toStore.Add(item);
        }
        for (var start = 0; start < toStore.Count; start += EmbeddingWriteBatch)
            await feedback.SetEmbeddingsAsync(toStore.Skip(start).Take(EmbeddingWriteBatch).ToList(), ct);
        logger.TextsEmbedded(missing.Count, reused, embedder.Model);
        return (vectors, missing.Count, reused);
    }

    private async Task<IReadOnlyList<ClusterName?>> NameAsync(IClusterNamer? namer, PainPointAnalysis analysis, CancellationToken ct)
    {
        if (namer is null || analysis.Clusters.Count == 0) return [];
        try
        {
            return await namer.NameAsync(analysis.Sketches(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.NamingFailed(ex);
            return [];
        }
    }

    /// <summary>The profile that holds each writer now (merges followed) and its predicted 12-month CLV.</summary>
    private async Task<Dictionary<string, (string Profile, double? PredictedClv)>> CustomersAsync(List<FeedbackItem> items, CancellationToken ct)
    {
        var ids = items.Select(i => i.CustomerId).Distinct(StringComparer.Ordinal).ToList();
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, (string, double?)>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentCustomerReads, CancellationToken = ct }, async (id, token) =>
        {
            var stored = await customers.FindAsync(id, token);
            found[id] = stored is null ? (id, null) : (stored.Document.Id, stored.Document.Predictions?.PredictedClv);
        });
        return new Dictionary<string, (string, double?)>(found, StringComparer.Ordinal);
    }
}
