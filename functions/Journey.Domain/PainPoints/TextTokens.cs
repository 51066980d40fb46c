using System.Globalization;
using System.Text;

namespace Journey.Domain.PainPoints;

/// <summary>
/// Splits feedback text into lower-cased words for TF-IDF and key phrases: a word is a run of letters,
/// digits and combining marks in any script (an apostrophe inside a word stays: <c>didn't</c>), so
/// "größe", "размер" and "サイズ" survive; a run of Han, Hiragana or Katakana is one word (no segmenter).
/// Redaction placeholders (<c>[email]</c>, <c>[phone]</c>, …) are dropped, and so are one-character
/// Latin words and lone digits. Terms are words less the English stop words, with the bigrams of
/// adjacent words when neither is a stop word.
/// </summary>
public static class TextTokens
{
    /// <summary>The words of <paramref name="text"/> in order, lower-cased, stop words included.</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var word = new StringBuilder();
        var span = text.AsSpan();
        var index = 0;
        while (index < span.Length)
        {
            if (span[index] == '[' && PlaceholderLength(span[index..]) is var length and > 0)
            {
                Flush(word, words);
                index += length;
                continue;
            }

            if (Rune.DecodeFromUtf16(span[index..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                Flush(word, words);
                index += Math.Max(consumed, 1);
                continue;
            }

            if (IsWordRune(rune))
                word.Append(Rune.ToLowerInvariant(rune).ToString());
            else if (IsApostrophe(rune) && word.Length > 0 && index + consumed < span.Length && Rune.TryGetRuneAt(text, index + consumed, out var next) && Rune.IsLetter(next))
                word.Append('\'');
            else
                Flush(word, words);
            index += consumed;
        }

        Flush(word, words);
        return words;
    }

    /// <summary>The content words of <paramref name="text"/> (stop words removed), in order.</summary>
    public static IReadOnlyList<string> ContentWords(string text) =>
        Words(text).Where(w => !IsStopWord(w)).ToList();

    /// <summary>
    /// The terms of <paramref name="text"/>: its content words and, when <paramref name="bigrams"/> is set,
    /// "a b" for each two adjacent words of the text that are both content words (a stop word between
    /// them breaks the pair: "runs small" from "it runs small", none from "size of the"). A negation
    /// (<see cref="Negations"/>) is no term alone, it is in every complaint, but it starts a bigram:
    /// "not worth", "no refund", "never arrived".
    /// </summary>
    public static IReadOnlyList<string> Terms(string text, bool bigrams = true)
    {
        var words = Words(text);
        var terms = new List<string>(words.Count * 2);
        string? previous = null;
        foreach (var word in words)
        {
            if (IsNegation(word))
            {
                previous = word;
                continue;
            }

            if (IsStopWord(word))
            {
                previous = null;
                continue;
            }

            terms.Add(word);
            if (bigrams && previous is not null) terms.Add(previous + " " + word);
            previous = word;
        }

        return terms;
    }

    /// <summary>Whether <paramref name="word"/> (lower-cased) is an English stop word.</summary>
    public static bool IsStopWord(string word) => StopWords.Contains(word);

    /// <summary>Whether <paramref name="word"/> (lower-cased) is one of the <see cref="Negations"/>.</summary>
    public static bool IsNegation(string word) => Negations.Contains(word);

    /// <summary>The negations that make bigrams but no term alone.</summary>
    public static IReadOnlySet<string> Negations { get; } = new HashSet<string>(["not", "no", "never", "nothing"], StringComparer.Ordinal);

    /// <summary>
    /// Function words and the most generic verbs of English, lower-cased, with the apostrophe forms
    /// the tokenizer keeps (<c>didn't</c>) and the halves it leaves when a text has a typographic
    /// apostrophe split oddly (<c>didn</c>, <c>t</c> is dropped as one letter). Negations are
    /// not in it: see <see cref="Negations"/>.
    /// </summary>
    public static IReadOnlySet<string> StopWords { get; } = new HashSet<string>(
        """
        a about above after again against all almost along already also although always am among an and another any anyone anything are
        around as at be became because been before being below between both but by can could did do does doing done down during each
        either else even ever every few for from further get gets getting go goes going got had has have having he her here hers herself
        him himself his how however i if in into is it its itself just let like made make makes many may me might mine more most much
        must my myself neither nor now of off often on once one only onto or other others our ours ourselves out over own per perhaps
        quite rather really said same say says see seem seemed seems she should since so some something somewhat still such than that the
        their theirs them themselves then there these they thing things this those though through thus to together too toward under
        until up upon us very via was we were what whatever when where whether which while who whom whose why will with within would
        yet you your yours yourself yourselves
        i'm i've i'd i'll you're you've you'd you'll he's she's it's we're we've we'd we'll they're they've they'd they'll that's there's
        here's what's who's let's
        isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't can't couldn't shouldn't mustn't
        isn aren wasn weren hasn haven hadn doesn didn won wouldn couldn shouldn mustn ve ll re
        im ive id dont didnt doesnt isnt wasnt cant couldnt wouldnt wont
        """.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
        StringComparer.Ordinal);

    private static void Flush(StringBuilder word, List<string> words)
    {
        if (word.Length == 0) return;
        var text = word.ToString().TrimEnd('\'');
        word.Clear();
        if (text.Length == 0) return;
        if (text.Length == 1 && (text[0] < 128)) return; // "a", "s", "2": no meaning alone
        words.Add(text);
    }

    private static bool IsWordRune(Rune rune)
    {
        if (Rune.IsLetterOrDigit(rune)) return true;
        var category = Rune.GetUnicodeCategory(rune);
        return category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
    }

    private static bool IsApostrophe(Rune rune) => rune.Value is '\'' or '\u2019';

    /// <summary>The length of a placeholder such as <c>[email]</c> or <c>[card_number]</c> at the start of <paramref name="span"/>, or 0.</summary>
    private static int PlaceholderLength(ReadOnlySpan<char> span)
    {
        for (var i = 1; i < span.Length && i <= 32; i++)
        {
            var c = span[i];
            if (c == ']') return i > 1 ? i + 1 : 0;
            if (!(char.IsAsciiLetterLower(c) || c == '_' || c == '-')) return 0;
        }

        return 0;
    }
}
