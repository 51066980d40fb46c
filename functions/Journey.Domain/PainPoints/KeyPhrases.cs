namespace Journey.Domain.PainPoints;

/// <summary>
/// The words and two-word phrases that set each cluster apart: class-based TF-IDF (as in BERTopic),
/// each cluster's texts taken as one document: weight(t, c) = tf(t, c) / words(c) ×
/// ln(1 + A / f(t)), where tf(t, c) counts t in cluster c, A is the average number of words per
/// class and f(t) counts t over all classes ("other", -1, is a class here, so words common to
/// every text weigh little, but it gets no phrases). Terms are <see cref="TextTokens.Terms"/>
/// (stop words out); a term must come from at least two texts of a cluster of four or more; a
/// bigram that ranks pushes out its own words ("runs small" rather than "runs", "small"), and a
/// word that ranks gives way to its common bigram; two phrases that share a word are not both kept.
/// </summary>
public static class KeyPhrases
{
    /// <summary>Up to <paramref name="top"/> phrases for each cluster 0 … <paramref name="clusterCount"/> - 1, best first.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Extract(IReadOnlyList<string> texts, int[] assignments, int clusterCount, int top)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(assignments);
        if (texts.Count != assignments.Length) throw new ArgumentException("One assignment per text.", nameof(assignments));
        var classes = clusterCount + 1; // the last one is "other"
        var termCounts = new Dictionary<string, int>[classes];
        var documentCounts = new Dictionary<string, int>[classes];
        var words = new long[classes];
        var sizes = new int[classes];
        for (var c = 0; c < classes; c++)
        {
            termCounts[c] = new Dictionary<string, int>(StringComparer.Ordinal);
            documentCounts[c] = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        var total = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            var c = assignments[i] >= 0 && assignments[i] < clusterCount ? assignments[i] : clusterCount;
            sizes[c]++;
            var terms = TextTokens.Terms(texts[i] ?? "");
            foreach (var term in terms)
            {
                termCounts[c][term] = termCounts[c].GetValueOrDefault(term) + 1;
                total[term] = total.GetValueOrDefault(term) + 1;
                if (!term.Contains(' ', StringComparison.Ordinal)) words[c]++;
            }

            foreach (var term in terms.Distinct(StringComparer.Ordinal))
                documentCounts[c][term] = documentCounts[c].GetValueOrDefault(term) + 1;
        }

        var present = Enumerable.Range(0, classes).Count(c => words[c] > 0);
        var average = present == 0 ? 0 : (double)words.Sum() / present;
        var result = new List<IReadOnlyList<string>>(clusterCount);
        for (var c = 0; c < clusterCount; c++)
        {
            var minDocuments = sizes[c] >= 4 ? 2 : 1;
            var length = Math.Max(1, words[c]);
            var scored = termCounts[c]
                .Where(pair => documentCounts[c][pair.Key] >= minDocuments)
                .Select(pair => (Term: pair.Key, Count: pair.Value, Score: (double)pair.Value / length * Math.Log(1 + average / total[pair.Key])))
                .OrderByDescending(t => t.Score).ThenBy(t => t.Term, StringComparer.Ordinal)
                .ToList();
            result.Add(Choose(scored, top));
        }

        return result;
    }

    /// <summary>
    /// A short label from the best phrases: the first two, joined by " · " ("runs small · sizing"), a
    /// phrase left out when it repeats a word of the one before; "other" when there is none.
    /// </summary>
    public static string Label(IReadOnlyList<string> phrases)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        var chosen = new List<string>();
        foreach (var phrase in phrases)
        {
            if (chosen.Count == 2) break;
            var words = phrase.Split(' ');
            if (chosen.Any(c => c.Split(' ').Intersect(words, StringComparer.Ordinal).Any())) continue;
            chosen.Add(phrase);
        }

        return chosen.Count == 0 ? "other" : string.Join(" · ", chosen);
    }

    /// <summary>
    /// The best <paramref name="top"/> of the ranked terms. A ranked bigram takes the place of its own
    /// words, and a ranked word gives way to its most frequent bigram in the cluster when that bigram
    /// is in at least <see cref="BigramShare"/> of the word's uses ("small" → "runs small").
    /// </summary>
    private static List<string> Choose(List<(string Term, int Count, double Score)> scored, int top)
    {
        var bigramsByWord = new Dictionary<string, (string Term, int Count)>(StringComparer.Ordinal);
        foreach (var (term, count, _) in scored)
        {
            if (!term.Contains(' ', StringComparison.Ordinal)) continue;
            foreach (var word in term.Split(' '))
                if (!bigramsByWord.TryGetValue(word, out var best) || count > best.Count) bigramsByWord[word] = (term, count);
        }

        var chosen = new List<string>();
        foreach (var (term, count, _) in scored.Take(Math.Max(0, top) * 4))
        {
            if (chosen.Count >= top) break;
            var phrase = term;
            if (!term.Contains(' ', StringComparison.Ordinal) && bigramsByWord.TryGetValue(term, out var bigram) && bigram.Count >= BigramShare * count)
                phrase = bigram.Term;
            if (chosen.Contains(phrase, StringComparer.Ordinal)) continue;
            if (phrase.Contains(' ', StringComparison.Ordinal))
            {
                var parts = phrase.Split(' ');
                if (chosen.Any(c => c.Contains(' ', StringComparison.Ordinal) && c.Split(' ').Intersect(parts, StringComparer.Ordinal).Any())) continue;
                chosen.RemoveAll(c => parts.Contains(c, StringComparer.Ordinal));
            }
            else if (chosen.Any(c => c.Split(' ').Contains(phrase, StringComparer.Ordinal)))
            {
                continue;
            }

            chosen.Add(phrase);
        }

        return chosen;
    }

    /// <summary>The share of a word's uses its bigram needs to stand for it.</summary>
    private const double BigramShare = 0.3;
}
