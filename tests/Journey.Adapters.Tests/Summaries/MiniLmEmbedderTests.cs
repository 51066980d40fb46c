using Journey.Adapters.Summaries;

namespace Journey.Adapters.Tests.Summaries;

/// <summary>One model for the class: loading it takes seconds.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEmbedder Embedder { get; } = new(batchSize: 4);

    public void Dispose() => Embedder.Dispose();
}

public sealed class MiniLmEmbedderTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private static readonly string[] Texts =
    [
        "The dress runs small, order a size up.",
        "This dress is too small for me, I needed a bigger size.",
        "The package arrived two weeks late.",
        "Delivery took forever and the parcel was late.",
        "Great colour",
        "",
        "Die Größe fällt zu klein aus.",
    ];

    private static float Cosine(float[] a, float[] b) => a.Zip(b).Sum(p => p.First * p.Second);

    [Fact]
    public async Task Vectors_Have384Dimensions_AndUnitLength()
    {
        var vectors = await fixture.Embedder.EmbedAsync(Texts, CancellationToken.None);

        Assert.Equal("all-MiniLM-L6-v2", fixture.Embedder.Model);
        Assert.Equal(Texts.Length, vectors.Count);
        Assert.All(vectors, v =>
        {
            Assert.Equal(384, v.Length);
            Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 4);
        });
    }

    [Fact]
    public async Task SimilarSentences_AreCloserThanUnrelatedOnes()
    {
        var v = await fixture.Embedder.EmbedAsync(Texts, CancellationToken.None);

        Assert.True(Cosine(v[0], v[1]) > Cosine(v[0], v[2]) + 0.2, $"{Cosine(v[0], v[1])} vs {Cosine(v[0], v[2])}");
        Assert.True(Cosine(v[2], v[3]) > Cosine(v[2], v[1]) + 0.2, $"{Cosine(v[2], v[3])} vs {Cosine(v[2], v[1])}");
    }

    [Fact]
    public async Task Batches_GiveWhatOneByOneGives()
    {
        var batched = await fixture.Embedder.EmbedAsync(Texts, CancellationToken.None);

        for (var i = 0; i < Texts.Length; i++)
        {
            var single = (await fixture.Embedder.EmbedAsync([Texts[i]], CancellationToken.None))[0];
            Assert.True(Cosine(batched[i], single) > 0.9999, $"text {i}: cosine {Cosine(batched[i], single)}");
        }
    }

    [Fact]
    public async Task ConcurrentCalls_GetTheirOwnAnswers()
    {
        var expected = await fixture.Embedder.EmbedAsync(Texts, CancellationToken.None);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(k =>
            fixture.Embedder.EmbedAsync(Texts.Skip(k).ToArray(), CancellationToken.None)));

        for (var k = 0; k < answers.Length; k++)
            for (var i = 0; i < answers[k].Count; i++)
                Assert.True(Cosine(answers[k][i], expected[i + k]) > 0.9999);
    }

    [Fact]
    public async Task NoTexts_NoVectors() =>
        Assert.Empty(await fixture.Embedder.EmbedAsync([], CancellationToken.None));

    [Fact]
    public async Task ADisposedEmbedder_Refuses()
    {
        var embedder = new MiniLmEmbedder();
        embedder.Dispose();
        embedder.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => embedder.EmbedAsync(["text"], CancellationToken.None));
    }

    [Fact]
    public async Task ACancelledCall_Stops()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.Embedder.EmbedAsync(Texts, cancelled.Token));
    }
}
