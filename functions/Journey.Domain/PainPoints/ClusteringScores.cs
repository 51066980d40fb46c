namespace Journey.Domain.PainPoints;

/// <summary>
/// Agreement between a labelling and a clustering (the quality benchmark): adjusted Rand index and
/// normalized mutual information with the arithmetic-mean normalization (scikit-learn's defaults).
/// Labels are compared as values only; "other" (-1) is a label like any other.
/// </summary>
public static class ClusteringScores
{
    /// <summary>1 for the same partition, about 0 for a random one (can be negative).</summary>
    public static double AdjustedRandIndex(int[] truth, int[] predicted)
    {
        var table = Contingency(truth, predicted, out var rows, out var columns);
        double n = truth.Length;
        if (rows.Count == columns.Count && (rows.Count <= 1 || rows.Count == truth.Length)) return 1.0;

        static double Pairs(double count) => count * (count - 1) / 2;
        var sumCells = table.Values.Sum(c => Pairs(c));
        var sumRows = rows.Values.Sum(c => Pairs(c));
        var sumColumns = columns.Values.Sum(c => Pairs(c));
        var expected = sumRows * sumColumns / Pairs(n);
        var maximum = (sumRows + sumColumns) / 2;
        return maximum - expected == 0 ? 0.0 : (sumCells - expected) / (maximum - expected);
    }

    /// <summary>Mutual information over the mean of the two entropies: 1 for the same partition, 0 for independent ones.</summary>
    public static double NormalizedMutualInformation(int[] truth, int[] predicted)
    {
        var table = Contingency(truth, predicted, out var rows, out var columns);
        if (rows.Count == columns.Count && rows.Count <= 1) return 1.0;
        double n = truth.Length;
        var mutual = 0.0;
        foreach (var ((row, column), count) in table)
            mutual += count / n * Math.Log(count * n / ((double)rows[row] * columns[column]));
        var entropyRows = Entropy(rows.Values, n);
        var entropyColumns = Entropy(columns.Values, n);
        var mean = (entropyRows + entropyColumns) / 2;
        return mean <= 0 ? 0.0 : Math.Clamp(mutual / mean, 0.0, 1.0);
    }

    private static double Entropy(IEnumerable<int> counts, double n) =>
        -counts.Sum(c => c / n * Math.Log(c / n));

    private static Dictionary<(int, int), int> Contingency(int[] truth, int[] predicted, out Dictionary<int, int> rows, out Dictionary<int, int> columns)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Length != predicted.Length) throw new ArgumentException("The two labellings must have the same length.", nameof(predicted));
        var table = new Dictionary<(int, int), int>();
        rows = [];
        columns = [];
        for (var i = 0; i < truth.Length; i++)
        {
            table[(truth[i], predicted[i])] = table.GetValueOrDefault((truth[i], predicted[i])) + 1;
            rows[truth[i]] = rows.GetValueOrDefault(truth[i]) + 1;
            columns[predicted[i]] = columns.GetValueOrDefault(predicted[i]) + 1;
        }

        return table;
    }
}
