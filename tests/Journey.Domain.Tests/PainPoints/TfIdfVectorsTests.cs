using Journey.Domain.PainPoints;

namespace Journey.Domain.Tests.PainPoints;

public sealed class TfIdfVectorsTests
{
    private static readonly string[] Texts =
    [
        "The dress runs small, order a size up",
        "Runs small in the chest, size up",
        "This dress runs small",
        "The fabric is thin and see-through",
        "Thin fabric, see-through in the sun",
        "Cheap thin fabric",
        "Arrived late, the delivery took two weeks",
        "Delivery was late by a week",
        "Late delivery again",
        "[email]",
    ];

    private static float Cosine(float[] a, float[] b) => a.Zip(b).Sum(p => p.First * p.Second);

    [Fact]
    public void Vectors_AreNormalized_AndTextsOfTheSameComplaintAreCloser()
    {
        var vectors = TfIdfVectors.Fit(Texts, new TfIdfOptions());

        Assert.Equal(Texts.Length, vectors.Count);
        Assert.All(vectors.Take(9), v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 4));
        Assert.True(Cosine(vectors[0], vectors[1]) > Cosine(vectors[0], vectors[3]) + 0.2);
        Assert.True(Cosine(vectors[6], vectors[7]) > Cosine(vectors[6], vectors[4]) + 0.2);
    }

    [Fact]
    public void ATextWithNoVocabularyTerm_GetsTheZeroVector()
    {
        var vectors = TfIdfVectors.Fit(Texts, new TfIdfOptions());

        Assert.All(vectors[^1], x => Assert.Equal(0f, x));
    }

    [Fact]
    public void TheVocabulary_KeepsTermsInEnoughTexts_UpToTheCap()
    {
        Assert.Equal(4, TfIdfVectors.Fit(Texts, new TfIdfOptions { MaxFeatures = 4 })[0].Length);
        var rare = TfIdfVectors.Fit(Texts, new TfIdfOptions { MinDocumentFrequency = 1 })[0].Length;
        var common = TfIdfVectors.Fit(Texts, new TfIdfOptions { MinDocumentFrequency = 2 })[0].Length;
        Assert.True(rare > common);
        Assert.Empty(TfIdfVectors.Fit([], new TfIdfOptions()));
    }

    [Fact]
    public void Lsa_ProjectsOnFewDimensions_AndKeepsTheNeighbours()
    {
        var vectors = TfIdfVectors.Fit(Texts, new TfIdfOptions { Dimensions = 3 });

        Assert.All(vectors, v => Assert.Equal(3, v.Length));
        Assert.All(vectors.Take(9), v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 4));
        Assert.True(Cosine(vectors[0], vectors[2]) > 0.9);
        Assert.True(Cosine(vectors[3], vectors[5]) > 0.9);
        Assert.True(Cosine(vectors[0], vectors[7]) < 0.5);
        Assert.Equal(vectors, TfIdfVectors.Fit(Texts, new TfIdfOptions { Dimensions = 3 }));
    }

    [Fact]
    public void SymmetricEigen_DiagonalizesAMatrix()
    {
        double[][] matrix = [[4, 1, 2], [1, 3, 0], [2, 0, 5]];

        var (values, vectors) = TfIdfVectors.SymmetricEigen(matrix);

        for (var k = 0; k < 3; k++)
            for (var row = 0; row < 3; row++)
            {
                var product = Enumerable.Range(0, 3).Sum(j => matrix[row][j] * vectors[j][k]);
                Assert.Equal(values[k] * vectors[row][k], product, 8);
            }
        Assert.Equal(12.0, values.Sum(), 8);
    }
}
