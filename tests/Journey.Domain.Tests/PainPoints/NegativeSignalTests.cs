using Journey.Domain.Feedback;
using Journey.Domain.PainPoints;

namespace Journey.Domain.Tests.PainPoints;

public sealed class NegativeSignalTests
{
    private static readonly SummarizerOptions Options = new();

    private static FeedbackItem Item(string kind, double? rating = null, double? score = null, double? scale = null) => new()
    {
        Id = "m1:text",
        Period = "2026-11",
        Kind = kind,
        CustomerId = "c1",
        MessageId = "m1",
        Field = "text",
        Time = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero),
        Text = "it broke",
        TextHash = "h",
        Rating = rating,
        Score = score,
        ScoreScale = scale,
    };

    [Theory]
    [InlineData(1, true)]
    [InlineData(3, true)]
    [InlineData(3.5, false)]
    [InlineData(5, false)]
    public void Reviews_AreNegative_AtOrBelowTheRatingThreshold(double rating, bool negative) =>
        Assert.Equal(negative, Options.IsNegative(Item(FeedbackKinds.Review, rating: rating)));

    [Fact]
    public void AReview_WithoutRating_IsNotANegativeSignal() =>
        Assert.False(Options.IsNegative(Item(FeedbackKinds.Review)));

    [Theory]
    [InlineData(FeedbackKinds.Cancel)]
    [InlineData(FeedbackKinds.Refund)]
    [InlineData(FeedbackKinds.Return)]
    public void CancelRefundAndReturnReasons_AreAlwaysNegative(string kind) =>
        Assert.True(Options.IsNegative(Item(kind, rating: 5)));

    [Theory]
    [InlineData(6, 10.0, true)] // an NPS detractor
    [InlineData(7, 10.0, false)]
    [InlineData(3, 5.0, true)]
    [InlineData(4, 5.0, false)]
    [InlineData(2, null, true)] // read on 1-5
    [InlineData(6, null, true)] // above 5: read on 0-10
    [InlineData(8, null, false)]
    public void SurveyScores_AreNegative_InTheLowPartOfTheirScale(double score, double? scale, bool negative) =>
        Assert.Equal(negative, Options.IsNegative(Item(FeedbackKinds.Survey, score: score, scale: scale)));

    [Fact]
    public void UnscoredFeedback_CountsUnlessTurnedOff()
    {
        Assert.True(Options.IsNegative(Item(FeedbackKinds.Feedback)));
        Assert.True(Options.IsNegative(Item(FeedbackKinds.Text)));
        Assert.False(new SummarizerOptions { IncludeUnscored = false }.IsNegative(Item(FeedbackKinds.Feedback)));
    }

    [Fact]
    public void Validate_NamesEachBadSetting()
    {
        var problems = new SummarizerOptions { PeriodDays = 0, MinClusters = 5, MaxClusters = 3, MinClusterSize = 1, TrendFactor = 1, MaxNegativeRating = 6 }.Validate();
        Assert.Contains(problems, p => p.StartsWith("Summarizer:PeriodDays", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Summarizer:MaxClusters", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Summarizer:MinClusterSize", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Summarizer:TrendFactor", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Summarizer:MaxNegativeRating", StringComparison.Ordinal));
        Assert.Empty(new SummarizerOptions().Validate());
    }

    [Theory]
    [InlineData(10, 0.2, 0, 0.0, "new")]
    [InlineData(10, 0.2, 5, 0.1, "growing")]
    [InlineData(10, 0.1, 20, 0.2, "shrinking")]
    [InlineData(10, 0.2, 9, 0.18, "steady")]
    public void Trend_ComparesTheShareWithThePreviousPeriod(int texts, double share, int previousTexts, double previousShare, string trend) =>
        Assert.Equal(trend, PainPointAnalysis.Trend(texts, share, previousTexts, previousShare, 1.25));

    [Fact]
    public void PeriodWindow_ThePreviousPeriod_HasTheSameLength_AndEndsTheDayBefore()
    {
        var window = PeriodWindow.Ending(new DateOnly(2026, 12, 4), 30);
        Assert.Equal(new DateOnly(2026, 11, 5), window.Since);
        Assert.Equal("2026-11-05..2026-12-04", window.Period);
        var previous = window.Previous();
        Assert.Equal(new DateOnly(2026, 10, 6), previous.Since);
        Assert.Equal(new DateOnly(2026, 11, 4), previous.Until);
        Assert.Equal(window.Start, previous.End);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(150, 2)]
    [InlineData(394, 3)]
    [InlineData(600, 6)]
    [InlineData(20_000, 6)]
    public void TheLowerBoundOfClusters_GrowsWithTheTexts_UpToTheSetting(int texts, int expected) =>
        Assert.Equal(expected, Options.MinClustersFor(texts));
}
