using Journey.Domain.PainPoints;

namespace Journey.Domain.Tests.PainPoints;

public sealed class QuotesTests
{
    [Fact]
    public void Nearest_TakesTheClustersTextsClosestToTheCentre_EachTextOnce()
    {
        float[] centre = Blobs.Normalized([1, 0, 0]);
        List<float[]> vectors =
        [
            Blobs.Normalized([1, 0.5f, 0]),   // 0
            Blobs.Normalized([1, 0, 0]),      // 1: nearest
            Blobs.Normalized([1, 0, 0]),      // 2: the same text as 1, again
            Blobs.Normalized([1, 0.2f, 0]),   // 3
            Blobs.Normalized([1, 0, 0]),      // 4: another cluster
            Blobs.Normalized([1, 0.9f, 0]),   // 5
        ];
        string[] texts = ["zipper broke", "Runs small", " runs small ", "too small", "late delivery", "tiny"];
        int[] assignments = [0, 0, 0, 0, 1, 0];

        Assert.Equal([1, 3, 0], Quotes.Nearest(vectors, texts, assignments, centre, 0, 3));
        Assert.Equal([1, 3, 0, 5], Quotes.Nearest(vectors, texts, assignments, centre, 0, 10));
        Assert.Empty(Quotes.Nearest(vectors, texts, assignments, centre, 7, 3));
        Assert.Empty(Quotes.Nearest(vectors, texts, assignments, centre, 0, 0));
    }
}
