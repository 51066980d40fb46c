using Journey.Domain.PainPoints;

namespace Journey.Domain.Tests.PainPoints;

public sealed class ClusteringScoresTests
{
    [Theory]
    // scikit-learn's documented examples (adjusted_rand_score)
    [InlineData(new[] { 0, 0, 1, 1 }, new[] { 0, 0, 1, 1 }, 1.0)]
    [InlineData(new[] { 0, 0, 1, 1 }, new[] { 1, 1, 0, 0 }, 1.0)]
    [InlineData(new[] { 0, 0, 1, 2 }, new[] { 0, 0, 1, 1 }, 4.0 / 7)]
    [InlineData(new[] { 0, 0, 1, 1 }, new[] { 0, 0, 1, 2 }, 4.0 / 7)]
    [InlineData(new[] { 0, 0, 1, 1 }, new[] { 0, 1, 0, 1 }, -0.5)]
    [InlineData(new[] { 0, 0, 0, 0 }, new[] { 0, 1, 2, 3 }, 0.0)]
    public void AdjustedRandIndex_MatchesTheKnownValues(int[] truth, int[] predicted, double expected) =>
        Assert.Equal(expected, ClusteringScores.AdjustedRandIndex(truth, predicted), 10);

    [Theory]
    [InlineData(new[] { 0, 0, 1, 1 }, new[] { 1, 1, 0, 0 }, 1.0)]
    [InlineData(new[] { 0, 0, 0, 0 }, new[] { 0, 1, 2, 3 }, 0.0)]
    // by hand: the prediction refines the truth, so I = H(truth) = ln 2, H(pred) = 1.5 ln 2: 1 / 1.25
    [InlineData(new[] { 0, 0, 1, 1 }, new[] { 0, 0, 1, 2 }, 0.8)]
    // independent halves: no information
    [InlineData(new[] { 0, 0, 1, 1 }, new[] { 0, 1, 0, 1 }, 0.0)]
    public void NormalizedMutualInformation_MatchesTheKnownValues(int[] truth, int[] predicted, double expected) =>
        Assert.Equal(expected, ClusteringScores.NormalizedMutualInformation(truth, predicted), 10);

    [Fact]
    public void Other_IsALabelLikeAnyOther()
    {
        int[] truth = [0, 0, 0, 1, 1, 1];
        Assert.Equal(1.0, ClusteringScores.AdjustedRandIndex(truth, [-1, -1, -1, 4, 4, 4]), 10);
        Assert.True(ClusteringScores.AdjustedRandIndex(truth, [-1, -1, -1, -1, -1, -1]) < 0.5);
    }

    [Fact]
    public void SingleOrEmptyLabellings_ScoreOne()
    {
        Assert.Equal(1.0, ClusteringScores.AdjustedRandIndex([], []));
        Assert.Equal(1.0, ClusteringScores.NormalizedMutualInformation([3, 3], [5, 5]));
    }

    [Fact]
    public void DifferentLengths_AreRefused() =>
        Assert.Throws<ArgumentException>(() => ClusteringScores.AdjustedRandIndex([0, 1], [0]));
}
