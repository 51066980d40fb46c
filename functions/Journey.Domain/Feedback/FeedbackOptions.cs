namespace Journey.Domain.Feedback;

/// <summary>Settings of feedback capture (configuration section <c>Feedback</c>).</summary>
public sealed class FeedbackOptions
{
    public const string SectionName = "Feedback";

    /// <summary>Longest a captured text may be, in characters after redaction; longer texts are cut at a word boundary.</summary>
    public const int MaxTextLengthLimit = 20_000;

    /// <summary>
    /// Free-text properties captured on any event, comma-separated (e.g. <c>comment,note</c>): each
    /// non-empty one becomes a feedback item of kind <see cref="FeedbackKinds.Text"/>, its field the property name.
    /// </summary>
    public string? TextProperties { get; set; }

    /// <summary>Longest text kept, in characters (default 5,000): a huge property cannot make an oversized document.</summary>
    public int MaxTextLength { get; set; } = 5_000;

    /// <summary>Longest title kept, in characters.</summary>
    public int MaxTitleLength { get; set; } = 500;

    /// <summary>The property names of <see cref="TextProperties"/>, trimmed, without empty entries or repeats.</summary>
    public IReadOnlyList<string> TextPropertyNames =>
        string.IsNullOrWhiteSpace(TextProperties)
            ? []
            : [.. TextProperties.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    /// <summary>Checks the options; returns the problems found, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxTextLength is < 100 or > MaxTextLengthLimit)
            problems.Add($"{SectionName}:MaxTextLength must be between 100 and {MaxTextLengthLimit} (was {MaxTextLength}).");
        if (MaxTitleLength is < 10 or > 2_000)
            problems.Add($"{SectionName}:MaxTitleLength must be between 10 and 2000 (was {MaxTitleLength}).");
        foreach (var name in TextPropertyNames)
        {
            if (name.Length > 200 || name.AsSpan().IndexOfAny("/\\?#") >= 0)
                problems.Add($"{SectionName}:TextProperties: '{name}' is not a property name (at most 200 characters, no '/', '\\', '?' or '#').");
        }
        return problems;
    }
}
