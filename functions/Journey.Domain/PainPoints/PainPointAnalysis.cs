using System.Globalization;
using Journey.Domain.Feedback;
using Journey.Domain.Ports;

namespace Journey.Domain.PainPoints;

/// <summary>A negative text of a period with its embedding.</summary>
public sealed record EmbeddedFeedback(FeedbackItem Item, float[] Vector)
{
    /// <summary>What is embedded and what key phrases are taken from: the title and the text.</summary>
    public static string TextOf(FeedbackItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return string.IsNullOrWhiteSpace(item.Title) ? item.Text : $"{item.Title.TrimEnd('.', '!', '?', ' ')}. {item.Text}";
    }
}

/// <summary>One cluster of a period's negative texts, before it is named and counted.</summary>
public sealed record PainPointCluster(int Index, IReadOnlyList<int> Members, float[] Centroid, IReadOnlyList<string> KeyPhrases, string LocalLabel, IReadOnlyList<int> Quotes, float AdmissionSimilarity);

/// <summary>
/// The pure part of the summarizer: clusters a period's negative texts, takes each cluster's key
/// phrases, label and quotes, assigns the previous period's texts to the same clusters (for the
/// trend), and turns the clusters into <see cref="PainPointDocument"/>s.
/// </summary>
public sealed class PainPointAnalysis
{
    /// <summary>A previous-period text joins the cluster whose centre is nearest when it is at least as near as this share of the cluster's own members.</summary>
    private const double AdmissionQuantile = 0.1;

    private const int QuoteCount = 3;
    private const int MaxQuoteLength = 400;
    private const int TopValues = 5;
    private const int SparePhrases = 5;

    private PainPointAnalysis(IReadOnlyList<EmbeddedFeedback> current, IReadOnlyList<EmbeddedFeedback> previous, IReadOnlyList<PainPointCluster> clusters, int[] assignments, int[] previousAssignments)
    {
        Current = current;
        Previous = previous;
        Clusters = clusters;
        Assignments = assignments;
        PreviousAssignments = previousAssignments;
    }

    public IReadOnlyList<EmbeddedFeedback> Current { get; }
    public IReadOnlyList<EmbeddedFeedback> Previous { get; }

    /// <summary>The clusters, largest first (ties: by label); index = position here.</summary>
    public IReadOnlyList<PainPointCluster> Clusters { get; }

    /// <summary>Cluster of each current text (-1: other).</summary>
    public int[] Assignments { get; }

    /// <summary>Cluster of each previous-period text (-1: none).</summary>
    public int[] PreviousAssignments { get; }

    /// <summary>Clusters the current texts and assigns the previous ones. Deterministic for the same texts in the same order.</summary>
    public static PainPointAnalysis Run(IReadOnlyList<EmbeddedFeedback> current, IReadOnlyList<EmbeddedFeedback> previous, SummarizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(options);

        var centering = options.CenterByCategory ? CategoryCentering.Fit(current, options.MinClusterSize) : null;
        var vectors = current.Select(c => centering?.Apply(c) ?? c.Vector).ToList();
        var result = TextClustering.Cluster(vectors, new ClusteringOptions
        {
            MinClusters = options.MinClustersFor(current.Count),
            MaxClusters = options.MaxClusters,
            MinClusterSize = options.MinClusterSize,
        });
        var texts = current.Select(c => EmbeddedFeedback.TextOf(c.Item)).ToList();
        var quotesOf = current.Select(c => c.Item.Text).ToList();
        var phrases = Distinctive(KeyPhrases.Extract(texts, result.Assignments, result.K, options.KeyPhrases + SparePhrases), options.KeyPhrases);

        var drafts = new List<(int Old, int[] Members)>();
        for (var k = 0; k < result.K; k++)
        {
            var members = Enumerable.Range(0, current.Count).Where(i => result.Assignments[i] == k).ToArray();
            if (members.Length > 0) drafts.Add((k, members));
        }
        var ordered = drafts
            .OrderByDescending(d => d.Members.Length)
            .ThenBy(d => KeyPhrases.Label(phrases[d.Old]), StringComparer.Ordinal)
            .ToList();

        var renumber = new Dictionary<int, int>();
        var clusters = new List<PainPointCluster>(ordered.Count);
        foreach (var (old, members) in ordered)
        {
            var index = clusters.Count;
            renumber[old] = index;
            var centroid = result.Centroids[old];
            var quotes = Quotes.Nearest(vectors, quotesOf, result.Assignments, centroid, old, QuoteCount);
            clusters.Add(new PainPointCluster(index, members, centroid, phrases[old], KeyPhrases.Label(phrases[old]), quotes, Admission(members.Select(m => Cosine(vectors[m], centroid)))));
        }
        var assignments = result.Assignments.Select(a => a >= 0 && renumber.TryGetValue(a, out var n) ? n : -1).ToArray();
        var previousAssignments = previous.Select(p => Nearest(centering?.Apply(p) ?? p.Vector, clusters)).ToArray();
        return new PainPointAnalysis(current, previous, clusters, assignments, previousAssignments);
    }

    /// <summary>
    /// Each cluster's phrases without those that rank among the phrases of a third or more of the
    /// clusters (at least three): words every pain point shares, such as the shop's main product
    /// ("dress"), name none of them.
    /// </summary>
    private static List<IReadOnlyList<string>> Distinctive(IReadOnlyList<IReadOnlyList<string>> phrases, int top)
    {
        var shared = phrases.SelectMany(p => p.Distinct(StringComparer.Ordinal)).GroupBy(p => p, StringComparer.Ordinal)
            .Where(g => phrases.Count >= 3 && g.Count() >= Math.Max(3, (phrases.Count + 2) / 3))
            .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return phrases.Select(p =>
        {
            var kept = p.Where(x => !shared.Contains(x)).Take(top).ToList();
            return (IReadOnlyList<string>)(kept.Count > 0 ? kept : p.Take(top).ToList());
        }).ToList();
    }

    /// <summary>What a namer is told about each cluster (quotes are redacted texts).</summary>
    public IReadOnlyList<ClusterSketch> Sketches() =>
        Clusters.Select(c => new ClusterSketch(c.Index, c.LocalLabel, c.KeyPhrases, c.Quotes.Select(q => Quote(Current[q].Item.Text)).ToList(), c.Members.Count, AverageRating(c.Members.Select(m => Current[m].Item)))).ToList();

    /// <summary>
    /// The period's documents: one per cluster (names from a namer where it gave one), then "other".
    /// <paramref name="customerOf"/> maps a feedback item's customer id to the profile that holds it now
    /// and its predicted CLV (null: none yet).
    /// </summary>
    public IReadOnlyList<PainPointDocument> Documents(
        PeriodWindow window,
        IReadOnlyList<ClusterName?> names,
        IReadOnlyDictionary<string, (string Profile, double? PredictedClv)> customerOf,
        string method,
        DateTimeOffset generatedAt,
        SummarizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(customerOf);
        ArgumentNullException.ThrowIfNull(options);
        var total = Current.Count;
        var previousTotal = Previous.Count;
        var documents = new List<PainPointDocument>(Clusters.Count + 1);
        foreach (var cluster in Clusters)
        {
            var name = cluster.Index < names.Count ? names[cluster.Index] : null;
            var items = cluster.Members.Select(m => Current[m].Item).ToList();
            var previousTexts = PreviousAssignments.Count(a => a == cluster.Index);
            documents.Add(Document(window, documents.Count + 1, isOther: false,
                name?.Label ?? cluster.LocalLabel, name?.Summary, name?.SuggestedFix, cluster.KeyPhrases,
                items, cluster.Quotes.Select(q => Quote(Current[q].Item.Text)).ToList(),
                total, previousTexts, previousTotal, customerOf, method, generatedAt, options));
        }

        var other = Enumerable.Range(0, total).Where(i => Assignments[i] < 0).Select(i => Current[i].Item).ToList();
        if (other.Count > 0)
        {
            var quotes = other.Select(i => i.Text).Distinct(StringComparer.Ordinal).Take(QuoteCount).Select(Quote).ToList();
            documents.Add(Document(window, documents.Count + 1, isOther: true, "Other", null, null, [], other, quotes,
                total, PreviousAssignments.Count(a => a < 0), previousTotal, customerOf, method, generatedAt, options));
        }
        return documents;
    }

    private static PainPointDocument Document(
        PeriodWindow window, int rank, bool isOther, string label, string? summary, string? fix, IReadOnlyList<string> keyPhrases,
        List<FeedbackItem> items, IReadOnlyList<string> quotes, int total, int previousTexts, int previousTotal,
        IReadOnlyDictionary<string, (string Profile, double? PredictedClv)> customerOf, string method, DateTimeOffset generatedAt, SummarizerOptions options)
    {
        var profiles = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var (profile, clv) = customerOf.TryGetValue(item.CustomerId, out var found) ? found : (item.CustomerId, null);
            profiles[profile] = clv;
        }
        var share = total == 0 ? 0 : (double)items.Count / total;
        var previousShare = previousTotal == 0 ? 0 : (double)previousTexts / previousTotal;
        var averageRating = AverageRating(items);
        return new PainPointDocument
        {
            Id = $"{window.Period}:{rank.ToString(CultureInfo.InvariantCulture)}",
            Period = window.Period,
            Since = window.SinceText,
            Until = window.UntilText,
            Rank = rank,
            IsOther = isOther,
            Label = label,
            Summary = summary ?? LocalSummary(items.Count, profiles.Count, share, averageRating, Count(items, i => i.Kind)),
            SuggestedFix = fix,
            KeyPhrases = keyPhrases,
            Texts = items.Count,
            Customers = profiles.Count,
            Share = Math.Round(share, 4),
            AverageRating = averageRating is { } r ? Math.Round(r, 2) : null,
            Stages = Count(items, i => i.Stage ?? "Unknown"),
            Kinds = Count(items, i => i.Kind),
            Products = Top(items, i => i.ProductId),
            Categories = Top(items, i => i.Category),
            Channels = Count(items, i => i.Channel ?? "unknown"),
            RevenueAtRisk = Math.Round(profiles.Values.Sum(v => v ?? 0), 2),
            CustomersWithPrediction = profiles.Values.Count(v => v is not null),
            Quotes = quotes,
            Trend = Trend(items.Count, share, previousTexts, previousShare, options.TrendFactor),
            PreviousTexts = previousTexts,
            PreviousShare = Math.Round(previousShare, 4),
            Method = method,
            GeneratedAt = generatedAt,
        };
    }

    /// <summary><c>new</c> when the previous period had none of it; else by the change of its share.</summary>
    public static string Trend(int texts, double share, int previousTexts, double previousShare, double factor)
    {
        if (previousTexts == 0) return texts == 0 ? "steady" : "new";
        if (share >= previousShare * factor) return "growing";
        if (share * factor <= previousShare) return "shrinking";
        return "steady";
    }

    private static string LocalSummary(int texts, int customers, double share, double? rating, IReadOnlyDictionary<string, int> kinds)
    {
        var kind = kinds.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).First().Key;
        var ratingText = rating is { } r ? string.Create(CultureInfo.InvariantCulture, $", average rating {r:0.0}") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{texts} {(texts == 1 ? "text" : "texts")} from {customers} {(customers == 1 ? "customer" : "customers")} ({share:P0} of the period's negative feedback), mostly {KindNoun(kind)}{ratingText}.");
    }

    private static string KindNoun(string kind) => kind switch
    {
        FeedbackKinds.Review => "reviews",
        FeedbackKinds.Survey => "survey answers",
        FeedbackKinds.Cancel => "cancellation reasons",
        FeedbackKinds.Refund => "refund reasons",
        FeedbackKinds.Return => "return reasons",
        FeedbackKinds.Text => "free-text answers",
        _ => "feedback messages",
    };

    private static double? AverageRating(IEnumerable<FeedbackItem> items)
    {
        var ratings = items.Where(i => i.Rating is not null).Select(i => i.Rating!.Value).ToList();
        return ratings.Count == 0 ? null : ratings.Average();
    }

    private static Dictionary<string, int> Count(IEnumerable<FeedbackItem> items, Func<FeedbackItem, string> key) =>
        items.GroupBy(key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static List<NamedCount> Top(IEnumerable<FeedbackItem> items, Func<FeedbackItem, string?> key) =>
        items.Select(key).Where(v => !string.IsNullOrEmpty(v)).GroupBy(v => v!, StringComparer.Ordinal)
            .Select(g => new NamedCount(g.Key, g.Count()))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(TopValues).ToList();

    /// <summary>A text as a pain point quotes it: cut at <see cref="MaxQuoteLength"/> characters with an ellipsis.</summary>
    public static string Quote(string text) => text.Length <= MaxQuoteLength ? text : string.Concat(text.AsSpan(0, MaxQuoteLength - 1).TrimEnd(), "…");

    private static float Admission(IEnumerable<float> similarities)
    {
        var sorted = similarities.Order().ToArray();
        return sorted.Length == 0 ? 1f : sorted[(int)Math.Floor(AdmissionQuantile * (sorted.Length - 1))];
    }

    private static int Nearest(float[] vector, List<PainPointCluster> clusters)
    {
        var best = -1;
        var bestSimilarity = float.NegativeInfinity;
        foreach (var cluster in clusters)
        {
            var similarity = Cosine(vector, cluster.Centroid);
            if (similarity >= cluster.AdmissionSimilarity && similarity > bestSimilarity)
            {
                best = cluster.Index;
                bestSimilarity = similarity;
            }
        }
        return best;
    }

    private static float Cosine(float[] a, float[] b)
    {
        float dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / MathF.Sqrt(na * nb);
    }
}

/// <summary>
/// Takes out of each text's vector what its product category has in common, so that texts cluster by
/// what went wrong rather than by the kind of product they are about ("runs small" for dresses and for
/// tops is one complaint): v' = normalize(v − mean of its category + mean of all). Categories with
/// fewer texts than the minimum cluster size, and texts without a category, are left as they are.
/// </summary>
internal sealed class CategoryCentering
{
    private readonly Dictionary<string, float[]> _shift;

    private CategoryCentering(Dictionary<string, float[]> shift) => _shift = shift;

    public static CategoryCentering? Fit(IReadOnlyList<EmbeddedFeedback> texts, int minTexts)
    {
        var groups = texts.Where(t => !string.IsNullOrEmpty(t.Item.Category)).GroupBy(t => t.Item.Category!, StringComparer.Ordinal).Where(g => g.Count() >= minTexts).ToList();
        if (groups.Count < 2 || texts.Count == 0) return null;
        var all = Mean(texts.Select(t => t.Vector));
        var shift = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var mean = Mean(group.Select(t => t.Vector));
            shift[group.Key] = all.Select((g, i) => g - mean[i]).ToArray();
        }
        return new CategoryCentering(shift);
    }

    public float[] Apply(EmbeddedFeedback text)
    {
        if (text.Item.Category is not { } category || !_shift.TryGetValue(category, out var shift)) return text.Vector;
        var v = new float[text.Vector.Length];
        double norm = 0;
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = text.Vector[i] + shift[i];
            norm += v[i] * v[i];
        }
        if (norm == 0) return text.Vector;
        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < v.Length; i++) v[i] *= scale;
        return v;
    }

    private static float[] Mean(IEnumerable<float[]> vectors)
    {
        float[]? sum = null;
        var n = 0;
        foreach (var v in vectors)
        {
            sum ??= new float[v.Length];
            for (var i = 0; i < v.Length; i++) sum[i] += v[i];
            n++;
        }
        return sum is null ? [] : sum.Select(x => x / n).ToArray();
    }
}

/// <summary>A period: both days included, UTC.</summary>
public sealed record PeriodWindow(DateOnly Since, DateOnly Until)
{
    public string Period => PainPointDocument.PeriodOf(Since, Until);
    public string SinceText => Since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    public string UntilText => Until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    public int Days => Until.DayNumber - Since.DayNumber + 1;

    /// <summary>The period of the same length just before this one.</summary>
    public PeriodWindow Previous() => new(Since.AddDays(-Days), Since.AddDays(-1));

    public DateTimeOffset Start => new(Since.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    public DateTimeOffset End => new(Until.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The <paramref name="days"/> days ending with <paramref name="until"/>.</summary>
    public static PeriodWindow Ending(DateOnly until, int days) => new(until.AddDays(1 - days), until);
}
