namespace Journey.Domain.PainPoints;

/// <summary>
/// The <c>painpoints</c> container: one document per pain point of a period (id
/// <c>{period}:{rank}</c>, partition key <c>/period</c>), and the period's texts that fit no pain
/// point as one more document with <see cref="IsOther"/> set. A run for the same period replaces the
/// period's documents.
/// </summary>
public sealed class PainPointDocument
{
    public required string Id { get; init; }
    public string Type { get; init; } = "painpoint";

    /// <summary><c>{since}..{until}</c> (yyyy-MM-dd, both days included); the partition key.</summary>
    public required string Period { get; init; }

    public required string Since { get; init; }
    public required string Until { get; init; }

    /// <summary>1 for the pain point with the most texts; the "other" bucket comes last.</summary>
    public required int Rank { get; init; }

    public bool IsOther { get; init; }

    public required string Label { get; init; }
    public string? Summary { get; init; }
    public string? SuggestedFix { get; init; }
    public required IReadOnlyList<string> KeyPhrases { get; init; }

    /// <summary>Texts in the pain point, and distinct customers who wrote them.</summary>
    public required int Texts { get; init; }

    public required int Customers { get; init; }

    /// <summary><see cref="Texts"/> over all negative texts of the period.</summary>
    public required double Share { get; init; }

    public double? AverageRating { get; init; }

    /// <summary>Texts by the writer's stage at the time (stage name → count).</summary>
    public required IReadOnlyDictionary<string, int> Stages { get; init; }

    public required IReadOnlyDictionary<string, int> Kinds { get; init; }
    public required IReadOnlyList<NamedCount> Products { get; init; }
    public required IReadOnlyList<NamedCount> Categories { get; init; }
    public required IReadOnlyDictionary<string, int> Channels { get; init; }

    /// <summary>Sum of the predicted 12-month CLV of the customers who raised it (daily job's predictions; customers without one count 0).</summary>
    public required double RevenueAtRisk { get; init; }

    /// <summary>Customers of <see cref="Customers"/> that had a predicted CLV.</summary>
    public required int CustomersWithPrediction { get; init; }

    /// <summary>Up to three redacted texts nearest the pain point's centre.</summary>
    public required IReadOnlyList<string> Quotes { get; init; }

    /// <summary><c>new</c>, <c>growing</c>, <c>shrinking</c> or <c>steady</c> against the previous period of the same length.</summary>
    public required string Trend { get; init; }

    /// <summary>Texts of the previous period that belong to this pain point, and their share there.</summary>
    public required int PreviousTexts { get; init; }

    public required double PreviousShare { get; init; }

    /// <summary>How the texts were embedded and the pain point named (<c>minilm</c>, <c>tfidf</c>, <c>openai</c>, …).</summary>
    public required string Method { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public static string PeriodOf(DateOnly since, DateOnly until) =>
        $"{since:yyyy-MM-dd}..{until:yyyy-MM-dd}";
}

/// <summary>A value and how many texts carry it.</summary>
public sealed record NamedCount(string Name, int Count);
