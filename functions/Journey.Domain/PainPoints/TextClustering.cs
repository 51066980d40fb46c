namespace Journey.Domain.PainPoints;

/// <summary>How <see cref="TextClustering"/> chooses the clusters.</summary>
public enum ClusteringMethod
{
    /// <summary>Spherical k-means (k-means++ starts) for each k within the bounds, on a sample; the k with the best silhouette; then k-means over all texts.</summary>
    KMeans,

    /// <summary>k-means into many small clusters on a sample, merged by Ward's criterion; the level with the best silhouette; then each text to its nearest centre.</summary>
    MicroClusterWard,
}

/// <summary>Bounds and knobs of <see cref="TextClustering.Cluster"/>.</summary>
public sealed record ClusteringOptions
{
    /// <summary>The fewest clusters to consider (fewer when there are fewer distinct texts than this).</summary>
    public int MinClusters { get; init; } = 2;

    /// <summary>The most clusters to consider.</summary>
    public int MaxClusters { get; init; } = 12;

    /// <summary>A cluster with fewer texts than this goes to "other" (-1).</summary>
    public int MinClusterSize { get; init; } = 5;

    /// <summary>A cluster with less than this share of the texts goes to "other" too (0: no such floor).</summary>
    public double MinClusterShare { get; init; }

    /// <summary>A text whose cosine similarity to its cluster's centre is below this goes to "other" (null: none does).</summary>
    public double? MinSimilarity { get; init; }

    /// <summary>When set, exactly this many clusters are made (the benchmark's "k = number of labels").</summary>
    public int? FixedClusters { get; init; }

    public ClusteringMethod Method { get; init; } = ClusteringMethod.KMeans;

    /// <summary>The number of texts k is chosen on (the silhouette is quadratic in it); the sample is deterministic.</summary>
    public int SampleSize { get; init; } = 2000;

    /// <summary>k-means++ starts per k (the one with the least inertia is kept).</summary>
    public int Restarts { get; init; } = 3;

    public int Seed { get; init; } = 1;
}

/// <summary>
/// The clusters: for each input vector its cluster (0 = the largest; -1 = "other"), each cluster's
/// centre (L2-normalized mean of its members), the number of clusters and the mean silhouette
/// (cosine distance, on the sample k was chosen on; 0 with fewer than two clusters).
/// </summary>
public sealed record ClusteringResult(int[] Assignments, IReadOnlyList<float[]> Centroids, int K, double Silhouette);

/// <summary>
/// Clusters L2-normalized vectors (sentence embeddings, TF-IDF) in cosine geometry, choosing the
/// number of clusters itself within <see cref="ClusteringOptions.MinClusters"/> and
/// <see cref="ClusteringOptions.MaxClusters"/> by the silhouette on a deterministic sample of at most
/// <see cref="ClusteringOptions.SampleSize"/> vectors. The vectors are put in the order of a hash of
/// their bits first, so the output depends on the set of vectors and not on their order; the same
/// input gives the same output. A zero vector (a text with no known term) goes to "other".
/// </summary>
public static class TextClustering
{
    public static ClusteringResult Cluster(IReadOnlyList<float[]> vectors, ClusteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(options);
        var n = vectors.Count;
        var assignments = Enumerable.Repeat(-1, n).ToArray();
        var empty = new ClusteringResult(assignments, [], 0, 0);
        if (n == 0) return empty;
        var dimensions = vectors[0].Length;
        if (vectors.Any(v => v is null || v.Length != dimensions)) throw new ArgumentException("Every vector must have the same dimensions.", nameof(vectors));

        // The order of work: by a hash of each vector, zero vectors left out.
        var hashes = new ulong[n];
        for (var i = 0; i < n; i++) hashes[i] = VectorMath.Hash(vectors[i]);
        var active = Enumerable.Range(0, n)
            .Where(i => VectorMath.Dot(vectors[i], vectors[i]) > 1e-12f)
            .OrderBy(i => hashes[i]).ThenBy(i => i)
            .ToArray();
        var points = active.Select(i => vectors[i]).ToArray();
        var minSize = Math.Max(1, Math.Max(options.MinClusterSize, (int)Math.Ceiling(options.MinClusterShare * n)));
        if (points.Length < minSize) return empty;

        var distinct = active.Select(i => hashes[i]).Distinct().Count();
        var kMax = Math.Min(Math.Min(options.MaxClusters, distinct), Math.Max(1, points.Length / minSize));
        var kMin = Math.Min(Math.Max(1, options.MinClusters), kMax);
        if (options.FixedClusters is { } fixedK) kMin = kMax = Math.Clamp(fixedK, 1, distinct);
        kMax = Math.Max(kMin, kMax);

        // The sample k is chosen on: evenly spaced in hash order (a deterministic random sample).
        var sampleSize = Math.Min(points.Length, Math.Max(options.SampleSize, 2));
        var sample = Enumerable.Range(0, sampleSize).Select(s => points[(int)((long)s * points.Length / sampleSize)]).ToArray();
        var similarity = SimilarityMatrix(sample);

        int[]? bestLabels = null;
        var bestK = kMin;
        var bestScore = double.NegativeInfinity;
        var levels = options.Method == ClusteringMethod.MicroClusterWard
            ? WardLevels(sample, kMin, kMax, options)
            : Enumerable.Range(kMin, kMax - kMin + 1).Select(k => (K: k, Labels: KMeans(sample, k, options.Seed, options.Restarts, null, 100).Labels));
        foreach (var (k, labels) in levels)
        {
            var score = k < 2 ? 0 : Silhouette(similarity, labels);
            if (score > bestScore + 1e-9)
            {
                bestScore = score;
                bestK = k;
                bestLabels = labels;
            }
        }

        // Every point to the sample's centres; k-means refines them over all points.
        var centres = Centroids(sample, bestLabels!, bestK, dimensions).Where(c => VectorMath.Dot(c, c) > 0).ToArray();
        bestK = centres.Length;
        var pointLabels = options.Method == ClusteringMethod.KMeans
            ? KMeans(points, bestK, options.Seed, 1, centres, 100).Labels
            : Assign(points, centres);

        // Small clusters and far points to "other", clusters renumbered by size.
        centres = Centroids(points, pointLabels, bestK, dimensions);
        if (options.MinSimilarity is { } floor)
            for (var p = 0; p < points.Length; p++)
                if (VectorMath.Dot(points[p], centres[pointLabels[p]]) < floor) pointLabels[p] = -1;
        var sizes = new int[bestK];
        foreach (var label in pointLabels)
            if (label >= 0) sizes[label]++;
        var kept = Enumerable.Range(0, bestK).Where(c => sizes[c] >= minSize)
            .OrderByDescending(c => sizes[c]).ThenBy(c => Array.IndexOf(pointLabels, c)).ToArray();
        var renumber = Enumerable.Repeat(-1, bestK).ToArray();
        for (var c = 0; c < kept.Length; c++) renumber[kept[c]] = c;
        for (var p = 0; p < points.Length; p++) pointLabels[p] = pointLabels[p] < 0 ? -1 : renumber[pointLabels[p]];
        var finalCentres = Centroids(points, pointLabels, kept.Length, dimensions);
        for (var p = 0; p < points.Length; p++) assignments[active[p]] = pointLabels[p];

        var sampleFinal = Assign(sample, finalCentres);
        var silhouette = kept.Length < 2 ? 0 : Silhouette(similarity, sampleFinal);
        return new ClusteringResult(assignments, finalCentres, kept.Length, silhouette);
    }

    /// <summary>The mean silhouette (cosine distance) of the labelled points; points labelled -1 are left out.</summary>
    internal static double Silhouette(float[][] similarity, int[] labels)
    {
        var m = labels.Length;
        var k = labels.Max() + 1;
        if (k < 2) return 0;
        var sizes = new int[k];
        foreach (var label in labels)
            if (label >= 0) sizes[label]++;
        var scores = new double[m];
        var counted = new bool[m];
        Parallel.For(0, m, i =>
        {
            if (labels[i] < 0 || sizes[labels[i]] < 2) return;
            var sums = new double[k];
            var row = similarity[i];
            for (var j = 0; j < m; j++)
                if (labels[j] >= 0 && j != i) sums[labels[j]] += 1 - row[j];
            var a = sums[labels[i]] / (sizes[labels[i]] - 1);
            var b = double.PositiveInfinity;
            for (var c = 0; c < k; c++)
                if (c != labels[i] && sizes[c] > 0) b = Math.Min(b, sums[c] / sizes[c]);
            var denominator = Math.Max(a, b);
            scores[i] = double.IsInfinity(b) || denominator <= 0 ? 0 : (b - a) / denominator;
            counted[i] = true;
        });
        var count = labels.Count(l => l >= 0);
        return count == 0 ? 0 : scores.Sum() / count;
    }

    private static float[][] SimilarityMatrix(float[][] sample)
    {
        var m = sample.Length;
        var matrix = new float[m][];
        Parallel.For(0, m, i =>
        {
            var row = new float[m];
            for (var j = 0; j < m; j++) row[j] = VectorMath.Dot(sample[i], sample[j]);
            matrix[i] = row;
        });
        return matrix;
    }

    /// <summary>Spherical k-means: k-means++ starts (or the given centres), the run with the least inertia.</summary>
    private static (int[] Labels, float[][] Centres) KMeans(float[][] points, int k, int seed, int restarts, float[][]? start, int maxIterations)
    {
        (int[] Labels, float[][] Centres, double Inertia)? best = null;
        for (var restart = 0; restart < (start is null ? Math.Max(1, restarts) : 1); restart++)
        {
            var centres = start?.Select(c => (float[])c.Clone()).ToArray() ?? PlusPlus(points, k, new Random(unchecked(seed * 7919 + restart)));
            var labels = Assign(points, centres);
            for (var iteration = 0; iteration < maxIterations; iteration++)
            {
                centres = Centroids(points, labels, centres.Length, points[0].Length, centres);
                var next = Assign(points, centres);
                var changed = !next.AsSpan().SequenceEqual(labels);
                labels = next;
                if (!changed) break;
            }

            var inertia = 0.0;
            for (var p = 0; p < points.Length; p++) inertia += 1 - VectorMath.Dot(points[p], centres[labels[p]]);
            if (best is null || inertia < best.Value.Inertia - 1e-9) best = (labels, centres, inertia);
        }

        return (best!.Value.Labels, best.Value.Centres);
    }

    /// <summary>k-means++: the first centre at random, each next one with probability proportional to the distance to the nearest centre so far; fewer when the points run out.</summary>
    private static float[][] PlusPlus(float[][] points, int k, Random random)
    {
        var centres = new List<float[]> { points[random.Next(points.Length)] };
        var distance = new double[points.Length];
        for (var p = 0; p < points.Length; p++) distance[p] = Math.Max(0, 1 - VectorMath.Dot(points[p], centres[0]));
        while (centres.Count < k)
        {
            var total = distance.Sum();
            if (total <= 1e-12) break;
            var target = random.NextDouble() * total;
            var chosen = points.Length - 1;
            for (var p = 0; p < points.Length; p++)
            {
                target -= distance[p];
                if (target < 0)
                {
                    chosen = p;
                    break;
                }
            }

            centres.Add(points[chosen]);
            for (var p = 0; p < points.Length; p++) distance[p] = Math.Min(distance[p], Math.Max(0, 1 - VectorMath.Dot(points[p], points[chosen])));
        }

        return centres.Select(c => (float[])c.Clone()).ToArray();
    }

    /// <summary>Each point's nearest centre (highest cosine; ties to the lower index).</summary>
    private static int[] Assign(float[][] points, float[][] centres)
    {
        var labels = new int[points.Length];
        if (centres.Length == 0)
        {
            Array.Fill(labels, -1);
            return labels;
        }

        Parallel.For(0, points.Length, p =>
        {
            var best = 0;
            var bestSimilarity = float.NegativeInfinity;
            for (var c = 0; c < centres.Length; c++)
            {
                var similarity = VectorMath.Dot(points[p], centres[c]);
                if (similarity > bestSimilarity)
                {
                    bestSimilarity = similarity;
                    best = c;
                }
            }

            labels[p] = best;
        });
        return labels;
    }

    /// <summary>The L2-normalized mean of each cluster's points; an empty cluster keeps its previous centre (or zero).</summary>
    private static float[][] Centroids(float[][] points, int[] labels, int k, int dimensions, float[][]? previous = null)
    {
        var sums = new float[k][];
        var counts = new int[k];
        for (var c = 0; c < k; c++) sums[c] = new float[dimensions];
        for (var p = 0; p < points.Length; p++)
        {
            if (labels[p] < 0) continue;
            VectorMath.AddScaled(sums[labels[p]], points[p], 1f);
            counts[labels[p]]++;
        }

        for (var c = 0; c < k; c++)
        {
            if (counts[c] == 0 && previous is not null) sums[c] = (float[])previous[c].Clone();
            VectorMath.Normalize(sums[c]);
        }

        return sums;
    }

    /// <summary>
    /// The sample cut into many small k-means clusters, merged two at a time by Ward's criterion
    /// (the merge that raises the within-cluster sum of squares least); the sample's labels at each
    /// level from <paramref name="kMax"/> down to <paramref name="kMin"/>.
    /// </summary>
    private static List<(int K, int[] Labels)> WardLevels(float[][] sample, int kMin, int kMax, ClusteringOptions options)
    {
        var micro = Math.Min(sample.Length, Math.Max(40, 4 * kMax));
        var (microLabels, _) = KMeans(sample, micro, options.Seed, 1, null, 50);
        var groups = microLabels.Max() + 1;
        var dimensions = sample[0].Length;
        var means = new double[groups][];
        var weights = new double[groups];
        for (var g = 0; g < groups; g++) means[g] = new double[dimensions];
        for (var p = 0; p < sample.Length; p++)
        {
            var g = microLabels[p];
            weights[g]++;
            for (var d = 0; d < dimensions; d++) means[g][d] += sample[p][d];
        }

        var alive = new List<int>();
        for (var g = 0; g < groups; g++)
        {
            if (weights[g] == 0) continue;
            for (var d = 0; d < dimensions; d++) means[g][d] /= weights[g];
            alive.Add(g);
        }

        var parent = Enumerable.Range(0, groups).ToArray();
        int Root(int g)
        {
            while (parent[g] != g) g = parent[g];
            return g;
        }

        var levels = new List<(int K, int[] Labels)>();
        void Record()
        {
            var index = alive.Select((g, i) => (g, i)).ToDictionary(t => t.g, t => t.i);
            levels.Add((alive.Count, microLabels.Select(l => index[Root(l)]).ToArray()));
        }

        if (alive.Count <= kMax && alive.Count >= kMin) Record();
        while (alive.Count > kMin)
        {
            var best = (A: -1, B: -1, Cost: double.PositiveInfinity);
            for (var i = 0; i < alive.Count; i++)
                for (var j = i + 1; j < alive.Count; j++)
                {
                    var (a, b) = (alive[i], alive[j]);
                    var squared = 0.0;
                    for (var d = 0; d < dimensions; d++)
                    {
                        var diff = means[a][d] - means[b][d];
                        squared += diff * diff;
                    }

                    var cost = weights[a] * weights[b] / (weights[a] + weights[b]) * squared;
                    if (cost < best.Cost) best = (a, b, cost);
                }

            var (keep, gone) = (best.A, best.B);
            for (var d = 0; d < dimensions; d++)
                means[keep][d] = (means[keep][d] * weights[keep] + means[gone][d] * weights[gone]) / (weights[keep] + weights[gone]);
            weights[keep] += weights[gone];
            parent[gone] = keep;
            alive.Remove(gone);
            if (alive.Count <= kMax) Record();
        }

        if (levels.Count == 0) Record();
        return levels;
    }
}
