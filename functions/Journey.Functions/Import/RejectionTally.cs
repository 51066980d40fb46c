namespace Journey.Functions.Import;

/// <summary>Counts rejected rows by reason and keeps the first few line numbers of each.</summary>
internal sealed class RejectionTally
{
    public const int LinesKept = 5;
    public const int MaxReasons = 50;
    public const string OtherReasons = "other reasons";

    private readonly Dictionary<string, (long Count, List<long> Lines)> byReason = new(StringComparer.Ordinal);

    public long Total { get; private set; }

    public void Add(string reason, long line)
    {
        Total++;
        if (!byReason.ContainsKey(reason) && byReason.Count >= MaxReasons)
            reason = OtherReasons;
        if (!byReason.TryGetValue(reason, out var entry))
            entry = (0, new List<long>(LinesKept));
        if (entry.Lines.Count < LinesKept) entry.Lines.Add(line);
        byReason[reason] = (entry.Count + 1, entry.Lines);
    }

    /// <summary>The reasons, most frequent first.</summary>
    public IReadOnlyList<ImportRejection> ToList() =>
        byReason
            .Select(kv => new ImportRejection(kv.Key, kv.Value.Count, kv.Value.Lines.ToArray()))
            .OrderByDescending(r => r.Count)
            .ThenBy(r => r.Reason, StringComparer.Ordinal)
            .ToList();
}
