using Journey.Domain.PainPoints;

namespace Journey.Domain.Tests.PainPoints;

public sealed class KeyPhrasesTests
{
    private static readonly string[] Texts =
    [
        "The dress runs small, I had to return it",
        "Runs small, order one size up",
        "Pretty dress but runs small",
        "It runs small in the chest",
        "The fabric is thin and scratchy",
        "Thin fabric, itchy and scratchy",
        "Fabric feels cheap and thin",
        "Scratchy fabric, returned the dress",
        "Wrote to [email] about it",
    ];

    private static readonly int[] Assignments = [0, 0, 0, 0, 1, 1, 1, 1, -1];

    [Fact]
    public void EachCluster_GetsTheWordsThatSetItApart()
    {
        var phrases = KeyPhrases.Extract(Texts, Assignments, 2, 3);

        Assert.Equal(2, phrases.Count);
        Assert.Equal("runs small", phrases[0][0]);
        Assert.Contains("fabric", phrases[1].Take(2));
        Assert.DoesNotContain(phrases[0], p => p.Contains("fabric", StringComparison.Ordinal));
        Assert.DoesNotContain(phrases[1], p => p.Contains("runs", StringComparison.Ordinal));
        // "dress" is in both clusters: it tells neither apart
        Assert.DoesNotContain("dress", phrases[1]);
    }

    [Fact]
    public void ABigramThatRanks_PushesOutItsOwnWords()
    {
        var phrases = KeyPhrases.Extract(Texts, Assignments, 2, 5)[0];

        Assert.Contains("runs small", phrases);
        Assert.DoesNotContain("runs", phrases);
        Assert.DoesNotContain("small", phrases);
    }

    [Fact]
    public void AWordThatRanks_GivesWayToItsCommonBigram_ButNotToARareOne()
    {
        string[] texts =
        [
            "small buttons", "small pockets", "it runs small", "runs small again", "small collar", "small zipper",
            "late parcel", "parcel was late", "late again", "late delivery",
        ];
        int[] assignments = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];

        var phrases = KeyPhrases.Extract(texts, assignments, 2, 1);

        Assert.Equal("runs small", phrases[0][0]); // in 2 of the 6 texts with "small": at least 30%
        Assert.Equal("late", phrases[1][0]); // "late parcel" and "late delivery" once each: neither stands for "late"
    }

    [Fact]
    public void StopWordsAndPlaceholders_AreNoPhrases()
    {
        var phrases = KeyPhrases.Extract(Texts, Assignments, 2, 10).SelectMany(p => p).ToList();

        Assert.DoesNotContain(phrases, p => p.Split(' ').Any(TextTokens.IsStopWord));
        Assert.DoesNotContain(phrases, p => p.Contains("email", StringComparison.Ordinal));
    }

    [Fact]
    public void NonEnglishClusters_GetTheirOwnWords()
    {
        string[] texts = ["размер слишком маленький", "маленький размер", "размер маленький, вернула", "la taille est petite", "taille trop petite", "petite taille"];

        var phrases = KeyPhrases.Extract(texts, [0, 0, 0, 1, 1, 1], 2, 2);

        Assert.Contains(phrases[0], p => p.Contains("размер", StringComparison.Ordinal) || p.Contains("маленький", StringComparison.Ordinal));
        Assert.Contains(phrases[1], p => p.Contains("taille", StringComparison.Ordinal) || p.Contains("petite", StringComparison.Ordinal));
    }

    [Fact]
    public void NoClusters_OrNoTexts_GiveNoPhrases()
    {
        Assert.Empty(KeyPhrases.Extract([], [], 0, 5));
        Assert.Equal([[]], KeyPhrases.Extract(["the and of"], [0], 1, 5));
    }

    [Theory]
    [InlineData(new[] { "runs small", "sizing", "return" }, "runs small · sizing")]
    [InlineData(new[] { "runs small", "small", "zipper" }, "runs small · zipper")]
    [InlineData(new[] { "zipper" }, "zipper")]
    [InlineData(new string[0], "other")]
    public void Label_JoinsTheFirstTwoDistinctPhrases(string[] phrases, string expected) =>
        Assert.Equal(expected, KeyPhrases.Label(phrases));
}
