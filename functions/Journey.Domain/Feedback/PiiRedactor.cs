using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Journey.Domain.Feedback;

/// <summary>
/// Replaces personal data in a customer's text with typed placeholders before the text is stored or
/// leaves the process: <c>[email]</c>, <c>[phone]</c>, <c>[card]</c> (Luhn-checked), <c>[iban]</c>
/// (mod-97-checked), <c>[url]</c> (only links that carry a query, a fragment token, credentials or a
/// random-looking path segment) and the customer's own name (<c>[name]</c>) and email from traits.
/// </summary>
/// <remarks>
/// Source-generated patterns find the candidates in one scan each, and only when the text has what
/// they need (a digit for numbers and IBANs, an <c>@</c> for emails, <c>://</c> or <c>www.</c> for
/// links, so most reviews are scanned for digits only); <see cref="PiiRules"/> then checks them. A
/// number of 13-19 digits that fails the Luhn check is not a card: with up to 15 digits in a phone
/// number's shape it is a phone number, with 16-19 it stays (an order, tracking or gift card number
/// says nothing about a person by itself). A date, a year range, a price, a thousands-grouped amount,
/// a fraction or a list of sizes is not a phone number; a run of 7-8 digits without separators is an
/// order or item number, from 9 digits on a phone number. The customer's terms are found with ordinal case-insensitive
/// searches. Overlapping finds resolve to the earliest, then the longest. A text with nothing to
/// replace is returned as it is, without allocating. The placeholders contain nothing any rule
/// matches, so redacting a redacted text changes nothing.
/// </remarks>
public static partial class PiiRedactor
{
    public const string Email = "[email]";
    public const string Phone = "[phone]";
    public const string Card = "[card]";
    public const string Iban = "[iban]";
    public const string Url = "[url]";
    public const string Name = "[name]";

    /// <summary>Terms (from traits) shorter than this are not redacted: one letter is an initial, not a name.</summary>
    public const int MinTermLength = 2;

    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");
    private static readonly SearchValues<char> Whitespace = SearchValues.Create(" \t\r\n\u00A0");

    /// <summary>The text with personal data replaced; <paramref name="personalTerms"/> are the customer's own name and email from traits.</summary>
    /// <param name="text">The customer's text.</param>
    /// <param name="personalTerms">
    /// The customer's name, first name, last name and email (null or short entries are ignored). Each is
    /// matched as a whole word, case-insensitively; the words of a multi-word name are also matched
    /// alone, but only when written with a capital letter (so the name "May Rose" does not eat "may").
    /// </param>
    public static string Redact(string text, IReadOnlyCollection<string> personalTerms)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(personalTerms);
        var spans = Find(text, personalTerms);
        return spans.Count == 0 ? text : Apply(text, spans);
    }

    /// <summary>
    /// What <see cref="Redact(string, IReadOnlyCollection{string})"/> replaces, in text order and not
    /// overlapping: where, how long, and with which placeholder.
    /// </summary>
    public static IReadOnlyList<PiiSpan> Find(string text, IReadOnlyCollection<string> personalTerms)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(personalTerms);

        List<PiiSpan>? spans = null;
        var span = text.AsSpan();
        if (span.ContainsAny(Digits))
        {
            // An IBAN-shaped word that fails the check keeps its digits: they are an account-like code, not a phone number.
            List<(int Start, int End)>? notIbans = null;
            if (MayHaveIban(span))
            {
                foreach (var match in Ibans().EnumerateMatches(span))
                {
                    if (PiiRules.IsIban(span.Slice(match.Index, match.Length)))
                        (spans ??= []).Add(new PiiSpan(match.Index, match.Length, Iban));
                    else
                        (notIbans ??= []).Add((match.Index, match.Index + match.Length));
                }
            }
            foreach (var match in Numbers().EnumerateMatches(span))
            {
                if (Inside(notIbans, match.Index)) continue;
                var (start, length) = PiiRules.Balance(span.Slice(match.Index, match.Length));
                if (PiiRules.ClassifyNumber(span.Slice(match.Index + start, length)) is { } hit)
                    (spans ??= []).Add(new PiiSpan(match.Index + start + hit.Start, hit.Length, hit.Placeholder));
            }
        }
        if (span.Contains('@'))
        {
            foreach (var match in Emails().EnumerateMatches(span))
                (spans ??= []).Add(new PiiSpan(match.Index, match.Length, Email));
        }
        if (span.IndexOf("://") >= 0 || span.IndexOf("www.", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            foreach (var match in Urls().EnumerateMatches(span))
            {
                if (PiiRules.IsPrivateUrl(span.Slice(match.Index, match.Length)))
                    (spans ??= []).Add(new PiiSpan(match.Index, match.Length, Url));
            }
        }

        var termSpans = FindTerms(text, personalTerms);
        if (termSpans is not null) (spans ??= []).AddRange(termSpans);
        return spans is null ? [] : Resolve(spans);
    }

    /// <summary>
    /// Whether two ASCII letters and two digits start a word somewhere (the pattern's own search would
    /// try every letter, most of a review's time): found from the digits, which are few.
    /// </summary>
    private static bool MayHaveIban(ReadOnlySpan<char> text)
    {
        for (var i = text.IndexOfAny(Digits); i >= 0 && i < text.Length - 1;)
        {
            if (i >= 2 && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiLetter(text[i - 1]) && char.IsAsciiLetter(text[i - 2])
                && (i == 2 || !char.IsLetterOrDigit(text[i - 3])))
                return true;
            var next = text[(i + 1)..].IndexOfAny(Digits);
            i = next < 0 ? -1 : i + 1 + next;
        }
        return false;
    }

    private static bool Inside(List<(int Start, int End)>? ranges, int index)
    {
        if (ranges is null) return false;
        foreach (var (start, end) in ranges)
            if (index >= start && index < end) return true;
        return false;
    }

    /// <summary>
    /// The spans sorted by start (the longest first at one start); a span that overlaps the one before
    /// it is merged into it (that one's placeholder, reaching to the end of both), so no character of
    /// either survives.
    /// </summary>
    private static List<PiiSpan> Resolve(List<PiiSpan> spans)
    {
        spans.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var kept = new List<PiiSpan>(spans.Count);
        foreach (var span in spans)
        {
            if (kept.Count > 0 && kept[^1] is var last && span.Start < last.Start + last.Length)
            {
                var end = Math.Max(last.Start + last.Length, span.Start + span.Length);
                kept[^1] = last with { Length = end - last.Start };
                continue;
            }
            kept.Add(span);
        }
        return kept;
    }

    private static string Apply(string text, IReadOnlyList<PiiSpan> spans)
    {
        var builder = new StringBuilder(text.Length);
        var at = 0;
        foreach (var span in spans)
        {
            builder.Append(text, at, span.Start - at).Append(span.Placeholder);
            at = span.Start + span.Length;
        }
        return builder.Append(text, at, text.Length - at).ToString();
    }

    private static List<PiiSpan>? FindTerms(string text, IReadOnlyCollection<string> personalTerms)
    {
        if (personalTerms.Count == 0) return null;
        List<PiiSpan>? spans = null;
        foreach (var raw in personalTerms)
        {
            var term = (raw ?? "").AsSpan().Trim();
            if (term.Length < MinTermLength || term.Contains('[')) continue;
            var isEmail = term.Contains('@');
            FindTerm(text, term, isEmail ? Email : Name, capitalOnly: false, ref spans);
            if (isEmail || term.IndexOfAny(Whitespace) < 0) continue;

            foreach (var range in term.SplitAny(Whitespace))
            {
                var word = term[range];
                if (word.Length >= MinTermLength) FindTerm(text, word, Name, capitalOnly: true, ref spans);
            }
        }
        return spans;
    }

    private static void FindTerm(string text, ReadOnlySpan<char> term, string placeholder, bool capitalOnly, ref List<PiiSpan>? spans)
    {
        // The first letter in either case is found with a vectorised search; the rest is compared in place.
        var upper = char.ToUpperInvariant(term[0]);
        var lower = char.ToLowerInvariant(term[0]);
        var from = 0;
        while (from <= text.Length - term.Length)
        {
            var found = text.AsSpan(from, text.Length - from - term.Length + 1).IndexOfAny(upper, lower);
            if (found < 0) return;
            var at = from + found;
            var end = at + term.Length;
            from = at + 1;
            if (!text.AsSpan(at, term.Length).Equals(term, StringComparison.OrdinalIgnoreCase)) continue;
            if (at > 0 && IsSpacedWordChar(term[0]) && (IsWordChar(text[at - 1]) || (placeholder == Email && text[at - 1] is '.' or '-' or '+' or '%'))) continue;
            if (end < text.Length && IsSpacedWordChar(term[^1]) && (IsWordChar(text[end]) || (placeholder == Email && (text[end] is '@' or '-' || (text[end] == '.' && end + 1 < text.Length && IsWordChar(text[end + 1])))))) continue;
            if (at > 0 && text[at - 1] == '[' && end < text.Length && text[end] == ']') continue;
            if (capitalOnly && !char.IsUpper(text[at])) continue;
            (spans ??= []).Add(new PiiSpan(at, term.Length, placeholder));
            from = end;
        }
    }

    /// <summary>Whether a term ending in <paramref name="c"/> needs a word boundary there: not in scripts written without spaces (CJK, Thai: other letters).</summary>
    private static bool IsSpacedWordChar(char c) => char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.OtherLetter;

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_' || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark;

    // The candidates, each looked for only when the text has what it needs (a digit, an @, a link),
    // each starting only where a word starts. Overlaps (a number inside a link) are resolved by
    // Resolve: the earliest start, then the longest, wins.

    [GeneratedRegex(@"(?<![\w.%+\-])[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.\p{L}{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Emails();

    /// <summary>http, https or www. up to a space or a character links do not hold, not ending in punctuation.</summary>
    [GeneratedRegex("""(?<![\w.])(?i:https?://|www\.)[^\s<>"'\[\]{}|\\^`]*[^\s<>"'\[\]{}|\\^`.,;:!?)*]""", RegexOptions.CultureInvariant)]
    private static partial Regex Urls();

    /// <summary>Two letters, two digits and 11-31 letters or digits, in groups of four or not.</summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}_])[A-Za-z]{2}[0-9]{2}(?:\x20?[A-Za-z0-9]{4}){2,7}(?:\x20?[A-Za-z0-9]{1,3})?(?![\p{L}\p{N}_])", RegexOptions.CultureInvariant)]
    private static partial Regex Ibans();

    /// <summary>
    /// Digits with the separators of phone and card numbers (space, dot, dash, slash, parentheses, a
    /// leading +), taken whole (atomic: a long number is never cut into a shorter one that would pass),
    /// not touching a letter of a cased script, a currency sign, a % or a decimal part.
    /// </summary>
    [GeneratedRegex(
        """
        (?<![\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{N}_$€£¥\#.,:+\-/'])
        (?>\+?\(?[0-9]+\)?(?:(?:[\x20\u00A0]?[.\-/][\x20\u00A0]?|[\x20\u00A0]|(?<=\)))\(?[0-9]+\)?)*)
        (?![\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{N}_%'"$€£¥]|[.,][0-9])
        """,
        RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Numbers();
}

/// <summary>A stretch of a text that <see cref="PiiRedactor"/> replaces with <see cref="Placeholder"/>.</summary>
public readonly record struct PiiSpan(int Start, int Length, string Placeholder);
