namespace Journey.Domain.Feedback;

/// <summary>
/// The <c>feedback</c> container: one item per text a customer wrote (a review, a feedback message, a
/// survey answer, a cancel, refund or return reason, a configured free-text property). The text is
/// stored only after PII redaction (<see cref="PiiRedactor"/>). The id comes from the event's message
/// id and the field the text came from, so a replayed event adds nothing; the partition key is the
/// UTC month of <see cref="Time"/>, so a period is read from one or two partitions.
/// </summary>
public sealed class FeedbackItem
{
    /// <summary><see cref="IdFor"/> of the message id and the field.</summary>
    public required string Id { get; init; }

    public string Type { get; init; } = "feedback";

    /// <summary>UTC month of <see cref="Time"/> (yyyy-MM); the partition key.</summary>
    public required string Period { get; init; }

    /// <summary>One of <see cref="FeedbackKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The customer document's id (after identity stitching).</summary>
    public required string CustomerId { get; init; }

    public required string MessageId { get; init; }

    /// <summary>The property the text came from (<c>text</c>, <c>reason</c>, a configured name).</summary>
    public required string Field { get; init; }

    /// <summary>When the customer wrote it (the event's timestamp).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The customer's journey stage at <see cref="Time"/>, with this event applied.</summary>
    public string? Stage { get; init; }

    public string? ProductId { get; init; }
    public string? Category { get; init; }

    /// <summary>The customer's acquisition channel.</summary>
    public string? Channel { get; init; }

    /// <summary>A review's rating, 1-5.</summary>
    public double? Rating { get; init; }

    /// <summary>A survey or feedback score as sent (scale in <see cref="ScoreScale"/> when known).</summary>
    public double? Score { get; init; }

    /// <summary>The top of the score's scale when the event said it (<c>scale</c>/<c>maxScore</c>), else null.</summary>
    public double? ScoreScale { get; init; }

    /// <summary>The redacted text.</summary>
    public required string Text { get; init; }

    /// <summary>The redacted title (reviews), when there was one.</summary>
    public string? Title { get; init; }

    /// <summary>Hash of what is embedded (title and text, redacted): the embedding cache's key.</summary>
    public required string TextHash { get; init; }

    /// <summary>The text's embedding, set by the summarizer once (null until then).</summary>
    public FeedbackEmbedding? Embedding { get; set; }

    /// <summary>Deterministic id: the same event and field give the same item.</summary>
    public static string IdFor(string messageId, string field) => $"{messageId}:{field}";

    /// <summary>The partition key of a time.</summary>
    public static string PeriodOf(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An embedding of a feedback text and the model that made it (a different model: embedded again).</summary>
public sealed record FeedbackEmbedding(string Model, float[] Vector);

/// <summary>The kinds of feedback item.</summary>
public static class FeedbackKinds
{
    public const string Review = "review";
    public const string Feedback = "feedback";
    public const string Survey = "survey";
    public const string Cancel = "cancel";
    public const string Refund = "refund";
    public const string Return = "return";

    /// <summary>A free-text property named in configuration, on any event.</summary>
    public const string Text = "text";
}
