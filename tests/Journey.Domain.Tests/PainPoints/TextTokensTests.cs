using Journey.Domain.PainPoints;

namespace Journey.Domain.Tests.PainPoints;

public sealed class TextTokensTests
{
    [Fact]
    public void Words_AreLowerCasedRunsOfLettersAndDigits()
    {
        Assert.Equal(["the", "zipper", "broke", "after", "wash", "size", "10"], TextTokens.Words("The ZIPPER broke after 1 wash! Size 10..."));
    }

    [Fact]
    public void Words_KeepOtherScripts()
    {
        var words = TextTokens.Words("Die GRÖSSE passt nicht; размер маленький. サイズが小さい 太小了 हिन्दी");

        Assert.Contains("grösse", words);
        Assert.Contains("размер", words);
        Assert.Contains("маленький", words);
        Assert.Contains("サイズが小さい", words);
        Assert.Contains("太小了", words);
        Assert.Contains("हिन्दी", words); // combining vowel signs stay inside the word
    }

    [Fact]
    public void Placeholders_AreDropped_AndTheWordsAroundThemKept()
    {
        Assert.Equal(["wrote", "to", "and", "called", "twice"], TextTokens.Words("Wrote to [email] and called [phone] twice"));
        Assert.Equal(["see", "not", "placeholder"], TextTokens.Words("see [list] [Not a placeholder]"));
    }

    [Fact]
    public void Apostrophes_StayInsideWords()
    {
        Assert.Equal(["didn't", "fit", "dress's", "hem"], TextTokens.Words("didn't fit, the dress's hem").Where(w => w != "the"));
        Assert.Equal(["didn't"], TextTokens.Words("didn’t")); // the typographic apostrophe becomes the plain one
    }

    [Fact]
    public void Terms_DropStopWords_AndPairAdjacentContentWords()
    {
        Assert.Equal(["runs", "small", "runs small", "size", "chart"], TextTokens.Terms("It runs small and the size of the chart"));
        Assert.Equal(["runs", "small"], TextTokens.Terms("It runs small", bigrams: false));
    }

    [Fact]
    public void Negations_StartBigrams_ButAreNoTermsAlone()
    {
        var terms = TextTokens.Terms("Not worth the price, no refund");

        Assert.Equal(["worth", "not worth", "price", "refund", "no refund"], terms);
    }

    [Fact]
    public void StopWords_AreLowerCaseEnglishFunctionWords()
    {
        Assert.True(TextTokens.IsStopWord("the"));
        Assert.True(TextTokens.IsStopWord("didn't"));
        Assert.False(TextTokens.IsStopWord("not"));
        Assert.False(TextTokens.IsStopWord("refund"));
        Assert.All(TextTokens.StopWords, w => Assert.Equal(w.ToLowerInvariant(), w));
    }
}
