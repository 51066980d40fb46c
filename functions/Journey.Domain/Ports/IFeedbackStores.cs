using Journey.Domain.Feedback;
using Journey.Domain.PainPoints;

namespace Journey.Domain.Ports;

/// <summary>The <c>feedback</c> container (redacted texts); the processor adds, the summarizer reads and embeds.</summary>
public interface IFeedbackStore
{
    /// <summary>Adds the items whose id is not stored yet; an id already stored is left as it is (a replay adds nothing and keeps its embedding).</summary>
    Task AddAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken);

    /// <summary>The items with <c>since &lt;= Time &lt; until</c>, with their embeddings, ordered by time then id.</summary>
    IAsyncEnumerable<FeedbackItem> ListAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Stores each item's embedding (by id and period); items no longer stored are skipped.</summary>
    Task SetEmbeddingsAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken);
}

/// <summary>The <c>painpoints</c> container.</summary>
public interface IPainPointStore
{
    /// <summary>Replaces the period's documents with these (documents of the period not among them are deleted).</summary>
    Task ReplacePeriodAsync(string period, IReadOnlyCollection<PainPointDocument> documents, CancellationToken cancellationToken);

    /// <summary>The period's documents by rank.</summary>
    Task<IReadOnlyList<PainPointDocument>> ListAsync(string period, CancellationToken cancellationToken);

    /// <summary>The documents of the most recently generated period, by rank (empty when none).</summary>
    Task<IReadOnlyList<PainPointDocument>> LatestAsync(CancellationToken cancellationToken);
}

/// <summary>Turns texts into vectors (local sentence embeddings, Azure OpenAI embeddings).</summary>
public interface ITextEmbedder
{
    /// <summary>Names the model: an embedding made by another model is made again.</summary>
    string Model { get; }

    /// <summary>One vector per text, in order, L2-normalized.</summary>
    Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}

/// <summary>What a namer is told about one cluster.</summary>
public sealed record ClusterSketch(int Index, string LocalLabel, IReadOnlyList<string> KeyPhrases, IReadOnlyList<string> Quotes, int Texts, double? AverageRating);

/// <summary>A cluster's name from a namer.</summary>
public sealed record ClusterName(string Label, string Summary, string? SuggestedFix);

/// <summary>Names clusters of texts (Azure OpenAI); null for a cluster it could not name (the local label stays).</summary>
public interface IClusterNamer
{
    Task<IReadOnlyList<ClusterName?>> NameAsync(IReadOnlyList<ClusterSketch> clusters, CancellationToken cancellationToken);
}
