using Journey.Domain.PainPoints;

namespace Journey.Domain.Tests.PainPoints;

public sealed class TextClusteringTests
{
    public static TheoryData<ClusteringMethod> Methods => new() { ClusteringMethod.KMeans, ClusteringMethod.MicroClusterWard };

    [Theory]
    [MemberData(nameof(Methods))]
    public void SeparatedBlobs_AreFound_WithTheirNumber(ClusteringMethod method)
    {
        var (vectors, truth) = Blobs.Make([60, 45, 30, 20]);

        var result = TextClustering.Cluster(vectors, new ClusteringOptions { Method = method });

        Assert.Equal(4, result.K);
        Assert.Equal(1.0, ClusteringScores.AdjustedRandIndex(truth, result.Assignments), 10);
        Assert.True(result.Silhouette > 0.5, $"silhouette {result.Silhouette}");
        Assert.Equal(4, result.Centroids.Count);
        // clusters numbered by size, centres normalized and near their blob's axis
        Assert.Equal([0, 1, 2, 3], truth.Zip(result.Assignments).Where(p => p.First == p.Second).Select(p => p.First).Distinct().Order());
        Assert.All(result.Centroids, c => Assert.Equal(1.0, Math.Sqrt(c.Sum(v => (double)v * v)), 4));
        Assert.True(result.Centroids[0][0] > 0.9);
    }

    [Fact]
    public void TheBounds_AreKept()
    {
        var (vectors, _) = Blobs.Make([40, 40, 40, 40, 40, 40]);

        Assert.Equal(3, TextClustering.Cluster(vectors, new ClusteringOptions { MaxClusters = 3 }).K);
        Assert.Equal(6, TextClustering.Cluster(vectors, new ClusteringOptions { MinClusters = 2, MaxClusters = 12 }).K);
        Assert.Equal(8, TextClustering.Cluster(vectors, new ClusteringOptions { FixedClusters = 8, MinClusterSize = 1 }).K);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void TheSameInput_GivesTheSameOutput(ClusteringMethod method)
    {
        var (vectors, _) = Blobs.Make([50, 50, 50], noise: 0.6);
        var options = new ClusteringOptions { Method = method, SampleSize = 80 };

        var first = TextClustering.Cluster(vectors, options);
        var second = TextClustering.Cluster(vectors.Select(v => (float[])v.Clone()).ToList(), options);

        Assert.Equal(first.Assignments, second.Assignments);
        Assert.Equal(first.K, second.K);
        Assert.Equal(first.Silhouette, second.Silhouette);
        Assert.Equal(first.Centroids, second.Centroids);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void TheOrderOfTheInput_DoesNotMatter(ClusteringMethod method)
    {
        // noisy, overlapping blobs and a sample smaller than the input: the hard case for order independence
        var (vectors, _) = Blobs.Make([70, 60, 50], noise: 0.7, seed: 3);
        var options = new ClusteringOptions { Method = method, SampleSize = 100 };
        var order = Enumerable.Range(0, vectors.Count).OrderBy(i => (i * 7919) % 181).ThenBy(i => i).ToArray();

        var original = TextClustering.Cluster(vectors, options);
        var shuffled = TextClustering.Cluster(order.Select(i => vectors[i]).ToList(), options);

        Assert.Equal(order.Select(i => original.Assignments[i]), shuffled.Assignments);
        Assert.Equal(original.Centroids, shuffled.Centroids);
        Assert.NotEqual(order, Enumerable.Range(0, vectors.Count));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void FewerTextsThanTheMinimumClusterSize_AreAllOther(int count)
    {
        var (vectors, _) = Blobs.Make([count]);

        var result = TextClustering.Cluster(vectors, new ClusteringOptions { MinClusterSize = 5 });

        Assert.Equal(count, result.Assignments.Length);
        Assert.All(result.Assignments, a => Assert.Equal(-1, a));
        Assert.Equal(0, result.K);
        Assert.Empty(result.Centroids);
    }

    [Fact]
    public void AFewTextsOfOneKind_MakeOneCluster()
    {
        var (vectors, _) = Blobs.Make([6]);

        var result = TextClustering.Cluster(vectors, new ClusteringOptions { MinClusterSize = 5 });

        Assert.Equal(1, result.K);
        Assert.All(result.Assignments, a => Assert.Equal(0, a));
        Assert.Equal(0, result.Silhouette);
    }

    [Fact]
    public void ManyDuplicates_MakeOneClusterPerDistinctText()
    {
        var (distinct, _) = Blobs.Make([1, 1, 1]);
        var vectors = Enumerable.Range(0, 1500).Select(i => distinct[i % 3]).ToList();

        var result = TextClustering.Cluster(vectors, new ClusteringOptions());

        Assert.Equal(3, result.K);
        Assert.Equal(1.0, ClusteringScores.AdjustedRandIndex(vectors.Select((_, i) => i % 3).ToArray(), result.Assignments), 10);
        Assert.Equal(1.0, result.Silhouette, 6);
    }

    [Fact]
    public void OneTextRepeated_IsOneCluster()
    {
        var (distinct, _) = Blobs.Make([1]);

        var result = TextClustering.Cluster(Enumerable.Repeat(distinct[0], 20).ToList(), new ClusteringOptions());

        Assert.Equal(1, result.K);
        Assert.All(result.Assignments, a => Assert.Equal(0, a));
    }

    [Fact]
    public void ClustersBelowTheMinimumSize_GoToOther()
    {
        var (vectors, truth) = Blobs.Make([40, 40, 3]);

        var result = TextClustering.Cluster(vectors, new ClusteringOptions { FixedClusters = 3, MinClusterSize = 5 });

        Assert.Equal(2, result.K);
        Assert.All(result.Assignments.Where((_, i) => truth[i] == 2), a => Assert.Equal(-1, a));
        Assert.DoesNotContain(-1, result.Assignments.Where((_, i) => truth[i] != 2));
    }

    [Fact]
    public void AMinimumShare_AndAMinimumSimilarity_SendTextsToOther()
    {
        var (vectors, truth) = Blobs.Make([60, 60, 8]);

        var byShare = TextClustering.Cluster(vectors, new ClusteringOptions { FixedClusters = 3, MinClusterShare = 0.1 });
        Assert.Equal(2, byShare.K);
        Assert.All(byShare.Assignments.Where((_, i) => truth[i] == 2), a => Assert.Equal(-1, a));

        var strict = TextClustering.Cluster(vectors, new ClusteringOptions { FixedClusters = 3, MinSimilarity = 0.999 });
        Assert.True(strict.Assignments.Count(a => a == -1) > 100);
    }

    [Fact]
    public void ZeroVectors_AreOther()
    {
        var (vectors, _) = Blobs.Make([10, 10]);
        vectors.Add(new float[32]);

        var result = TextClustering.Cluster(vectors, new ClusteringOptions());

        Assert.Equal(-1, result.Assignments[^1]);
        Assert.Equal(2, result.K);
    }

    [Fact]
    public void VectorsOfDifferentLengths_AreRefused() =>
        Assert.Throws<ArgumentException>(() => TextClustering.Cluster([new float[3], new float[4]], new ClusteringOptions()));
}
