using Journey.Domain.Feedback;

namespace Journey.Domain.PainPoints;

/// <summary>Settings of the pain-point summarizer (configuration section <c>Summarizer</c>).</summary>
public sealed class SummarizerOptions
{
    public const string SectionName = "Summarizer";

    /// <summary>The PainPoints timer and the local schedule run the summarizer; the command and the API run it whatever this says.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Days in a period (the timer's and the command's default window, ending with the last complete day).</summary>
    public int PeriodDays { get; set; } = 30;

    /// <summary>Reviews rated at or below this (1-5) are negative.</summary>
    public double MaxNegativeRating { get; set; } = 3;

    /// <summary>
    /// Survey and feedback scores at or below this share of their scale are negative: 0.6 takes 1-3
    /// on a 1-5 scale and 0-6 (NPS detractors) on 0-10. A score without a scale is read on 1-5 when
    /// it is at most 5, else on 0-10.
    /// </summary>
    public double MaxNegativeScoreShare { get; set; } = 0.6;

    /// <summary>Feedback messages and configured free-text properties without a score or rating count as negative signals (they are usually complaints).</summary>
    public bool IncludeUnscored { get; set; } = true;

    /// <summary>
    /// Bounds of the number of pain points the clustering chooses by the silhouette. On review texts the
    /// silhouette is flat and often prefers a few broad groups ("fit", "quality"), so the lower bound is
    /// six; it applies in full from 600 negative texts on, below that it is one per 100 texts (at
    /// least two), so that a small period is not split into many small pain points.
    /// </summary>
    public int MinClusters { get; set; } = 6;

    public int MaxClusters { get; set; } = 12;

    /// <summary>Fewer texts than this do not make a pain point (they go to "other").</summary>
    public int MinClusterSize { get; set; } = 5;

    /// <summary>
    /// Cluster by what went wrong rather than by product category: each text's vector loses what its
    /// category's texts have in common (see <see cref="CategoryCentering"/>).
    /// </summary>
    public bool CenterByCategory { get; set; } = true;

    /// <summary>Key phrases kept per pain point.</summary>
    public int KeyPhrases { get; set; } = 5;

    /// <summary>Texts embedded per call of the embedder.</summary>
    public int EmbeddingBatchSize { get; set; } = 256;

    /// <summary>Share change against the previous period that makes a pain point growing (×1.25) or shrinking (÷1.25).</summary>
    public double TrendFactor { get; set; } = 1.25;

    /// <summary>Local mode: the summarizer runs each day at this UTC time (after the daily job), when <see cref="RunInBackground"/>.</summary>
    public bool RunInBackground { get; set; } = true;

    public TimeSpan UtcTimeOfDay { get; set; } = TimeSpan.FromMinutes(40);

    /// <summary>The lower bound of the number of clusters for <paramref name="texts"/> negative texts (see <see cref="MinClusters"/>).</summary>
    public int MinClustersFor(int texts) => Math.Max(1, Math.Min(MinClusters, Math.Max(2, texts / 100)));

    /// <summary>Whether an item is a negative signal the pain points are built from.</summary>
    public bool IsNegative(FeedbackItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Kind is FeedbackKinds.Cancel or FeedbackKinds.Refund or FeedbackKinds.Return) return true;
        if (item.Rating is { } rating) return rating <= MaxNegativeRating;
        if (item.Score is { } score)
        {
            double low, high;
            if (item.ScoreScale is { } scale && scale > 0) (low, high) = (scale <= 5 ? 1 : 0, scale);
            else if (score <= 5) (low, high) = (1, 5);
            else (low, high) = (0, 10);
            return score <= low + MaxNegativeScoreShare * (high - low);
        }
        return IncludeUnscored && item.Kind is not FeedbackKinds.Review;
    }

    /// <summary>Checks the options; returns the problems found, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (PeriodDays is < 1 or > 366) problems.Add($"{SectionName}:PeriodDays must be between 1 and 366 (was {PeriodDays}).");
        if (MaxNegativeRating is < 1 or > 5) problems.Add($"{SectionName}:MaxNegativeRating must be between 1 and 5 (was {MaxNegativeRating}).");
        if (MaxNegativeScoreShare is < 0 or > 1) problems.Add($"{SectionName}:MaxNegativeScoreShare must be between 0 and 1 (was {MaxNegativeScoreShare}).");
        if (MinClusters < 1) problems.Add($"{SectionName}:MinClusters must be at least 1 (was {MinClusters}).");
        if (MaxClusters < MinClusters) problems.Add($"{SectionName}:MaxClusters must be at least MinClusters ({MinClusters}) (was {MaxClusters}).");
        if (MaxClusters > 100) problems.Add($"{SectionName}:MaxClusters must be at most 100 (was {MaxClusters}).");
        if (MinClusterSize < 2) problems.Add($"{SectionName}:MinClusterSize must be at least 2 (was {MinClusterSize}).");
        if (KeyPhrases is < 1 or > 20) problems.Add($"{SectionName}:KeyPhrases must be between 1 and 20 (was {KeyPhrases}).");
        if (EmbeddingBatchSize is < 1 or > 4096) problems.Add($"{SectionName}:EmbeddingBatchSize must be between 1 and 4096 (was {EmbeddingBatchSize}).");
        if (!(TrendFactor > 1)) problems.Add($"{SectionName}:TrendFactor must be above 1 (was {TrendFactor}).");
        if (UtcTimeOfDay < TimeSpan.Zero || UtcTimeOfDay >= TimeSpan.FromDays(1)) problems.Add($"{SectionName}:UtcTimeOfDay must be a time of day, 00:00:00 to 23:59:59 (was {UtcTimeOfDay}).");
        return problems;
    }
}
