namespace Journey.Domain.PainPoints;

/// <summary>How <see cref="TfIdfVectors"/> weighs terms.</summary>
public sealed record TfIdfOptions
{
    /// <summary>A term in fewer texts than this is left out.</summary>
    public int MinDocumentFrequency { get; init; } = 2;

    /// <summary>A term in more than this share of the texts is left out (it tells nothing apart).</summary>
    public double MaxDocumentShare { get; init; } = 0.5;

    /// <summary>The vocabulary: at most this many terms, those in the most texts (ties by term).</summary>
    public int MaxFeatures { get; init; } = 4096;

    /// <summary>Adjacent content words as terms too.</summary>
    public bool Bigrams { get; init; } = true;

    /// <summary>1 + ln(tf) rather than tf.</summary>
    public bool SublinearTf { get; init; } = true;

    /// <summary>
    /// 0: one dimension per vocabulary term (n × vocabulary floats: keep the vocabulary small for
    /// many texts). Above 0: latent semantic analysis, the TF-IDF matrix projected on its first
    /// this-many singular vectors (randomized SVD), which keeps 20,000 texts small and lets texts
    /// with no term in common be near.
    /// </summary>
    public int Dimensions { get; init; }

    /// <summary>The seed of the randomized SVD.</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>
/// TF-IDF vectors of texts (the baseline the local sentence embeddings are measured against,
/// docs/benchmarks.md): unigrams and bigrams of <see cref="TextTokens.Terms"/>, smoothed idf
/// ln((1 + n) / (1 + df)) + 1, sublinear tf, L2-normalized; a text with no vocabulary term gets
/// the zero vector.
/// </summary>
public static class TfIdfVectors
{
    public static IReadOnlyList<float[]> Fit(IReadOnlyList<string> texts, TfIdfOptions options)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(options);
        var rows = Weigh(texts, options, out var vocabulary);
        if (options.Dimensions <= 0)
        {
            var dense = new List<float[]>(rows.Count);
            foreach (var row in rows)
            {
                var vector = new float[vocabulary];
                foreach (var (term, weight) in row) vector[term] = weight;
                dense.Add(vector);
            }

            return dense;
        }

        return Lsa(rows, vocabulary, options.Dimensions, options.Seed);
    }

    /// <summary>Each text's (term index, weight) pairs, L2-normalized.</summary>
    private static List<(int Term, float Weight)[]> Weigh(IReadOnlyList<string> texts, TfIdfOptions options, out int vocabularySize)
    {
        var counts = new List<Dictionary<string, int>>(texts.Count);
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            var termCounts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var term in TextTokens.Terms(text ?? "", options.Bigrams))
                termCounts[term] = termCounts.GetValueOrDefault(term) + 1;
            foreach (var term in termCounts.Keys) documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
            counts.Add(termCounts);
        }

        var n = texts.Count;
        var maxDf = Math.Max(options.MinDocumentFrequency, (int)Math.Floor(options.MaxDocumentShare * n));
        var vocabulary = documentFrequency
            .Where(pair => pair.Value >= options.MinDocumentFrequency && pair.Value <= maxDf)
            .OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Take(Math.Max(0, options.MaxFeatures))
            .Select((pair, index) => (pair.Key, Index: index, Idf: (float)(Math.Log((1.0 + n) / (1.0 + pair.Value)) + 1.0)))
            .ToDictionary(t => t.Key, t => (t.Index, t.Idf), StringComparer.Ordinal);
        vocabularySize = vocabulary.Count;

        var rows = new List<(int, float)[]>(n);
        foreach (var termCounts in counts)
        {
            var row = new List<(int Term, float Weight)>();
            foreach (var (term, count) in termCounts)
            {
                if (!vocabulary.TryGetValue(term, out var entry)) continue;
                var tf = options.SublinearTf ? 1f + MathF.Log(count) : count;
                row.Add((entry.Index, tf * entry.Idf));
            }

            row.Sort((a, b) => a.Term.CompareTo(b.Term));
            var norm = MathF.Sqrt(row.Sum(p => p.Weight * p.Weight));
            rows.Add(norm > 0 ? row.Select(p => (p.Term, p.Weight / norm)).ToArray() : []);
        }

        return rows;
    }

    /// <summary>
    /// Rows of A (n × V, sparse) projected on A's first <paramref name="dimensions"/> right singular
    /// vectors, scaled by the singular values (U·Σ) and L2-normalized: a randomized range finder with
    /// two power iterations, then the eigenvectors of the small B·Bᵀ by Jacobi rotations.
    /// </summary>
    private static List<float[]> Lsa(List<(int Term, float Weight)[]> rows, int vocabulary, int dimensions, int seed)
    {
        var n = rows.Count;
        var rank = Math.Min(dimensions, Math.Min(n, vocabulary));
        if (rank <= 0) return rows.Select(_ => new float[Math.Max(dimensions, 1)]).ToList();
        var width = Math.Min(rank + 10, Math.Min(n, vocabulary));

        var random = new Random(seed);
        var omega = new float[width][];
        for (var j = 0; j < width; j++)
        {
            omega[j] = new float[vocabulary];
            for (var t = 0; t < vocabulary; t++) omega[j][t] = Gaussian(random);
        }

        var y = Multiply(rows, omega, n);
        Orthonormalize(y);
        for (var iteration = 0; iteration < 2; iteration++)
        {
            var z = MultiplyTransposed(rows, y, vocabulary);
            Orthonormalize(z);
            y = Multiply(rows, z, n);
            Orthonormalize(y);
        }

        // B = Qᵀ A (width × V), kept as its rows; then B·Bᵀ (width × width).
        var b = MultiplyTransposed(rows, y, vocabulary);
        var gram = new double[width][];
        for (var i = 0; i < width; i++)
        {
            gram[i] = new double[width];
            for (var j = 0; j <= i; j++) gram[i][j] = VectorMath.Dot(b[i], b[j]);
        }

        for (var i = 0; i < width; i++)
            for (var j = i + 1; j < width; j++) gram[i][j] = gram[j][i];
        var (values, vectors) = SymmetricEigen(gram);
        var order = Enumerable.Range(0, width).OrderByDescending(k => values[k]).ThenBy(k => k).Take(rank).ToArray();

        var result = new List<float[]>(n);
        for (var i = 0; i < n; i++)
        {
            var vector = new float[dimensions];
            for (var d = 0; d < order.Length; d++)
            {
                var k = order[d];
                var sigma = Math.Sqrt(Math.Max(values[k], 0));
                var sum = 0.0;
                for (var m = 0; m < width; m++) sum += y[m][i] * vectors[m][k];
                vector[d] = (float)(sum * sigma);
            }

            VectorMath.Normalize(vector);
            result.Add(vector);
        }

        return result;
    }

    /// <summary>A·M for M given as columns of length V: columns of length n.</summary>
    private static float[][] Multiply(List<(int Term, float Weight)[]> rows, float[][] columns, int n)
    {
        var result = new float[columns.Length][];
        Parallel.For(0, columns.Length, j =>
        {
            var column = columns[j];
            var output = new float[n];
            for (var i = 0; i < n; i++)
            {
                var sum = 0f;
                foreach (var (term, weight) in rows[i]) sum += weight * column[term];
                output[i] = sum;
            }

            result[j] = output;
        });
        return result;
    }

    /// <summary>Aᵀ·M for M given as columns of length n: columns of length V.</summary>
    private static float[][] MultiplyTransposed(List<(int Term, float Weight)[]> rows, float[][] columns, int vocabulary)
    {
        var result = new float[columns.Length][];
        Parallel.For(0, columns.Length, j =>
        {
            var column = columns[j];
            var output = new float[vocabulary];
            for (var i = 0; i < rows.Count; i++)
            {
                var value = column[i];
                if (value == 0) continue;
                foreach (var (term, weight) in rows[i]) output[term] += weight * value;
            }

            result[j] = output;
        });
        return result;
    }

    /// <summary>Modified Gram-Schmidt on the columns, in place (a column that vanishes stays zero).</summary>
    private static void Orthonormalize(float[][] columns)
    {
        for (var j = 0; j < columns.Length; j++)
        {
            for (var pass = 0; pass < 2; pass++)
                for (var k = 0; k < j; k++)
                {
                    var projection = VectorMath.Dot(columns[j], columns[k]);
                    if (projection != 0) VectorMath.AddScaled(columns[j], columns[k], -projection);
                }

            var norm = MathF.Sqrt(VectorMath.Dot(columns[j], columns[j]));
            if (norm < 1e-6f) Array.Clear(columns[j]);
            else VectorMath.Normalize(columns[j]);
        }
    }

    /// <summary>Eigenvalues and eigenvectors (as columns: vectors[row][k]) of a symmetric matrix, by cyclic Jacobi rotations.</summary>
    internal static (double[] Values, double[][] Vectors) SymmetricEigen(double[][] matrix)
    {
        var size = matrix.Length;
        var a = matrix.Select(row => (double[])row.Clone()).ToArray();
        var v = new double[size][];
        for (var i = 0; i < size; i++)
        {
            v[i] = new double[size];
            v[i][i] = 1;
        }

        for (var sweep = 0; sweep < 100; sweep++)
        {
            var off = 0.0;
            var diagonal = 0.0;
            for (var p = 0; p < size; p++)
            {
                diagonal += a[p][p] * a[p][p];
                for (var q = p + 1; q < size; q++) off += a[p][q] * a[p][q];
            }

            if (off <= 1e-22 * Math.Max(diagonal, 1e-300)) break;
            for (var p = 0; p < size; p++)
                for (var q = p + 1; q < size; q++)
                {
                    if (Math.Abs(a[p][q]) < 1e-300) continue;
                    var theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    var t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    var c = 1 / Math.Sqrt(t * t + 1);
                    var s = t * c;
                    for (var k = 0; k < size; k++)
                    {
                        var akp = a[k][p];
                        var akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }

                    for (var k = 0; k < size; k++)
                    {
                        var apk = a[p][k];
                        var aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }

                    for (var k = 0; k < size; k++)
                    {
                        var vkp = v[k][p];
                        var vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
        }

        return (Enumerable.Range(0, size).Select(i => a[i][i]).ToArray(), v);
    }

    private static float Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
