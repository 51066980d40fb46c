namespace Journey.Domain.PainPoints;

/// <summary>The texts that show a cluster best: those nearest its centre.</summary>
public static class Quotes
{
    /// <summary>
    /// The indices of up to <paramref name="count"/> texts of <paramref name="cluster"/>, the most
    /// similar to <paramref name="centroid"/> first (ties by index), each a different text (the same
    /// text up to case and surrounding white space is taken once).
    /// </summary>
    public static int[] Nearest(IReadOnlyList<float[]> vectors, IReadOnlyList<string> texts, int[] assignments, float[] centroid, int cluster, int count)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentNullException.ThrowIfNull(centroid);
        if (vectors.Count != texts.Count || texts.Count != assignments.Length) throw new ArgumentException("One vector and one assignment per text.", nameof(assignments));
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var chosen = new List<int>(Math.Max(count, 0));
        var candidates = Enumerable.Range(0, assignments.Length)
            .Where(i => assignments[i] == cluster)
            .Select(i => (Index: i, Similarity: VectorMath.Dot(vectors[i], centroid)))
            .OrderByDescending(t => t.Similarity).ThenBy(t => t.Index);
        foreach (var (index, _) in candidates)
        {
            if (chosen.Count >= count) break;
            if (seen.Add((texts[index] ?? "").Trim())) chosen.Add(index);
        }

        return [.. chosen];
    }
}
