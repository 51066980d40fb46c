using Azure.Core;
using Journey.Adapters.Summaries;
using Journey.Domain.Ports;
using Moq;

namespace Journey.Adapters.Tests.Summaries;

/// <summary>
/// <see cref="OpenAIEmbedder"/> against a local stand-in of Azure OpenAI: batching, order, normalization, the run's
/// caps, the 429 backoff honouring retry-after, authentication, and what the requests carry.
/// </summary>
public sealed class OpenAIEmbedderTests : OpenAITestContext
{
    private static string[] Texts(int count, int length = 20) =>
        [.. Enumerable.Range(0, count).Select(i => $"review {i:D4} " + new string((char)('a' + i % 26), Math.Max(0, length - 12)))];

    private static float[] Expected(string text)
    {
        var raw = AzureOpenAITestServer.RawVector(text);
        var norm = Math.Sqrt(raw.Sum(x => (double)x * x));
        return [.. raw.Select(x => (float)(x / norm))];
    }

    private static void AssertVector(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-6f);
    }

    [Fact]
    public async Task Texts_GoInBatchesOfTheBatchSize_AndComeBackInOrder_Normalized()
    {
        Server.ReverseEmbeddings = true;
        var texts = Texts(150);
        var embedder = Embedder(Options());

        var vectors = await embedder.EmbedAsync(texts, CancellationToken.None);

        var requests = Server.Requests;
        Assert.Equal([64, 64, 22], requests.Select(r => r.Inputs.Length));
        Assert.Equal(texts, requests.SelectMany(r => r.Inputs));
        Assert.All(requests, r => Assert.Equal("/openai/deployments/embeddings/embeddings", r.Path));
        Assert.Equal(texts.Length, vectors.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            AssertVector(Expected(texts[i]), vectors[i]);
            Assert.Equal(1.0, Math.Sqrt(vectors[i].Sum(x => (double)x * x)), 1e-5);
        }
    }

    [Fact]
    public async Task BatchSize_IsASetting()
    {
        var embedder = Embedder(Options(o => o.EmbeddingBatchSize = 10));

        await embedder.EmbedAsync(Texts(25), CancellationToken.None);

        Assert.Equal([10, 10, 5], Server.Requests.Select(r => r.Inputs.Length));
    }

    [Fact]
    public async Task CharactersPerRequest_AreCapped_AndALongerTextGoesAloneCut()
    {
        var texts = Texts(5, length: 400).Append(new string('x', 9_000)).Append("the last one " + new string('z', 387)).ToArray();
        var embedder = Embedder(Options(o => o.EmbeddingMaxCharsPerRequest = 1_000));

        var vectors = await embedder.EmbedAsync(texts, CancellationToken.None);

        var requests = Server.Requests;
        Assert.Equal([2, 2, 1, 1, 1], requests.Select(r => r.Inputs.Length));
        Assert.All(requests, r => Assert.True(r.Inputs.Sum(t => t.Length) <= 1_000 || r.Inputs.Length == 1));
        Assert.Equal(OpenAIEmbedder.MaxCharsPerText, requests[3].Inputs.Single().Length);
        Assert.Equal(7, vectors.Count);
    }

    [Fact]
    public async Task NoTexts_SendNothing()
    {
        var embedder = Embedder(Options());

        Assert.Empty(await embedder.EmbedAsync([], CancellationToken.None));
        Assert.Empty(Server.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task AnEmptyText_IsRefused_BeforeAnyRequest(string empty)
    {
        var embedder = Embedder(Options());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => embedder.EmbedAsync(["fine", empty], CancellationToken.None));

        Assert.Contains("Text 1 is empty", error.Message, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Duplicates_AreSentOnce_AndEachGetsItsOwnCopy()
    {
        var texts = Enumerable.Range(0, 300).Select(i => $"too small {i % 3}").ToArray();
        var embedder = Embedder(Options());

        var vectors = await embedder.EmbedAsync(texts, CancellationToken.None);

        Assert.Equal(["too small 0", "too small 1", "too small 2"], Server.Requests.Single().Inputs);
        for (var i = 0; i < texts.Length; i++) AssertVector(Expected(texts[i]), vectors[i]);
        Assert.NotSame(vectors[0], vectors[3]);
    }

    [Fact]
    public async Task NonEnglishText_IsSentAsGiven()
    {
        string[] texts = ["Die Größe fällt zu klein aus", "サイズが小さすぎる", "Trop petit, retour compliqué 😞"];
        var embedder = Embedder(Options());

        var vectors = await embedder.EmbedAsync(texts, CancellationToken.None);

        Assert.Equal(texts, Server.Requests.Single().Inputs);
        for (var i = 0; i < texts.Length; i++) AssertVector(Expected(texts[i]), vectors[i]);
    }

    [Fact]
    public async Task TheRequest_CarriesTheTextsAndNothingElse()
    {
        string[] texts = ["The zipper broke after one wash [email]", "Arrived late"];
        var embedder = Embedder(Options());

        await embedder.EmbedAsync(texts, CancellationToken.None);

        var request = Server.Requests.Single();
        Assert.Equal(["encoding_format", "input", "model"], request.Json.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(texts, request.Inputs);
        Assert.Equal("embeddings", (string?)request.Json["model"]);
    }

    [Fact]
    public void Model_NamesTheResourceAndTheDeployment()
    {
        Assert.Equal("azure-openai:127.0.0.1/embeddings", Embedder(Options()).Model);
        Assert.Equal("azure-openai:127.0.0.1/embeddings-large", Embedder(Options(o => o.EmbeddingDeployment = "embeddings-large")).Model);
    }

    [Fact]
    public void NoEmbeddingDeployment_IsNoEmbedder()
    {
        var error = Assert.Throws<ArgumentException>(() => Embedder(Options(o => o.EmbeddingDeployment = null)));

        Assert.Contains(OpenAIOptions.EmbeddingDeploymentSetting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_IsSentAsTheApiKeyHeader()
    {
        await Embedder(Options()).EmbedAsync(["text"], CancellationToken.None);

        var request = Server.Requests.Single();
        Assert.Equal("test-key", request.Header("api-key"));
        Assert.Null(request.Header("Authorization"));
        Assert.Contains("api-version=", request.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAKey_TheSharedCredentialsTokenIsSentAsBearer()
    {
        var scopes = new List<string>();
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .Returns((TokenRequestContext context, CancellationToken _) =>
            {
                scopes.AddRange(context.Scopes);
                return new ValueTask<AccessToken>(new AccessToken("entra-token", DateTimeOffset.MaxValue));
            });
        var options = Options(o => o.ApiKey = null);

        await Embedder(options, credential: credential.Object).EmbedAsync(["text"], CancellationToken.None);

        var request = Server.Requests.Single();
        Assert.Equal("Bearer entra-token", request.Header("Authorization"));
        Assert.Null(request.Header("api-key"));
        Assert.Equal(["https://cognitiveservices.azure.com/.default"], scopes.Distinct());
    }

    [Fact]
    public async Task A429WithRetryAfterMs_IsRetriedAfterThatWait_ThenSucceeds()
    {
        var calls = 0;
        Server.Intercept = _ => Interlocked.Increment(ref calls) == 1 ? TestAnswer.TooManyRequests("retry-after-ms", "50") : null;
        var texts = Texts(3);

        var vectors = await Embedder(Options()).EmbedAsync(texts, CancellationToken.None);

        var requests = Server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.True(requests[1].Time - requests[0].Time >= TimeSpan.FromMilliseconds(50), $"retried after {requests[1].Time - requests[0].Time}");
        Assert.Equal([TimeSpan.FromMilliseconds(50)], Clock.Waits);
        for (var i = 0; i < texts.Length; i++) AssertVector(Expected(texts[i]), vectors[i]);
        Assert.Contains(LogLines(700), l => l.Contains("429", StringComparison.Ordinal) && l.Contains("retry 1 of 2", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Retry-After", "2", 2_000)]
    [InlineData("x-ms-retry-after-ms", "1500", 1_500)]
    public async Task OtherRetryAfterHeaders_AreHonouredToo(string header, string value, int milliseconds)
    {
        var calls = 0;
        Server.Intercept = _ => Interlocked.Increment(ref calls) == 1 ? TestAnswer.TooManyRequests(header, value) : null;

        await Embedder(Options()).EmbedAsync(["text"], CancellationToken.None);

        var requests = Server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].Time - requests[0].Time >= TimeSpan.FromMilliseconds(milliseconds), $"retried after {requests[1].Time - requests[0].Time}");
    }

    [Fact]
    public async Task ARetryAfterDate_IsWaitedUntil()
    {
        var calls = 0;
        var until = Clock.GetUtcNow().AddSeconds(5).ToString("R");
        Server.Intercept = _ => Interlocked.Increment(ref calls) == 1 ? TestAnswer.TooManyRequests("Retry-After", until) : null;

        await Embedder(Options()).EmbedAsync(["text"], CancellationToken.None);

        var requests = Server.Requests;
        Assert.True(requests[1].Time - requests[0].Time >= TimeSpan.FromSeconds(5), $"retried after {requests[1].Time - requests[0].Time}");
    }

    [Fact]
    public async Task A429Forever_EndsAfterTheRetries_WithAClearException()
    {
        Server.Intercept = _ => TestAnswer.TooManyRequests("retry-after-ms", "20");

        var error = await Assert.ThrowsAsync<TextEmbedderUnavailableException>(() => Embedder(Options()).EmbedAsync(Texts(3), CancellationToken.None));

        Assert.Equal(3, Server.Requests.Count);
        Assert.Contains("429 Too Many Requests after 2 retries", error.Message, StringComparison.Ordinal);
        Assert.Contains(OpenAIOptions.MaxRetriesSetting, error.Message, StringComparison.Ordinal);
        Assert.Single(LogLines(702));
        Assert.Single(LogLines(711));
    }

    [Fact]
    public async Task ARetryAfterLongerThanTheMaxDelay_FailsAtOnce()
    {
        Server.Intercept = _ => TestAnswer.TooManyRequests("Retry-After", "120");

        await Assert.ThrowsAsync<TextEmbedderUnavailableException>(() => Embedder(Options()).EmbedAsync(["text"], CancellationToken.None));

        Assert.Single(Server.Requests);
        Assert.Empty(Clock.Waits);
        Assert.Contains(LogLines(701), l => l.Contains("00:02:00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServerError_IsRetried_ThenAClearException()
    {
        Server.Intercept = _ => new TestAnswer(500, """{"error":{"code":"InternalServerError","message":"boom"}}""");

        var error = await Assert.ThrowsAsync<TextEmbedderUnavailableException>(() => Embedder(Options()).EmbedAsync(["text"], CancellationToken.None));

        Assert.Equal(3, Server.Requests.Count);
        Assert.Contains("answered 500", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnswerWithTooFewVectors_IsUnusable()
    {
        Server.Intercept = r => new TestAnswer(200, $$$"""{"object":"list","data":[{"object":"embedding","index":0,"embedding":"{{{AzureOpenAITestServer.Base64(0.1f, 0.2f)}}}"}],"model":"m","usage":{"prompt_tokens":2,"total_tokens":2}}""");

        var error = await Assert.ThrowsAsync<TextEmbedderUnavailableException>(() => Embedder(Options()).EmbedAsync(["one", "two"], CancellationToken.None));

        Assert.Contains("1 vectors for 2 texts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AZeroVector_IsUnusable()
    {
        Server.Intercept = r => new TestAnswer(200, $$$"""{"object":"list","data":[{"object":"embedding","index":0,"embedding":"{{{AzureOpenAITestServer.Base64(0f, 0f)}}}"}],"model":"m","usage":{"prompt_tokens":2,"total_tokens":2}}""");

        await Assert.ThrowsAsync<TextEmbedderUnavailableException>(() => Embedder(Options()).EmbedAsync(["one"], CancellationToken.None));
    }

    [Fact]
    public async Task ACallOverTheTokenCap_SendsNothing_AndThrowsTheBudgetException()
    {
        // 100 texts of 40 characters: about 1,000 tokens estimated.
        var options = Options(o => o.MaxTokensPerRun = 900);
        var budget = new OpenAIRunBudget(options);

        var error = await Assert.ThrowsAsync<SummarizerBudgetExceededException>(() => Embedder(options, budget).EmbedAsync(Texts(100, length: 40), CancellationToken.None));

        Assert.Empty(Server.Requests);
        Assert.Equal(0, budget.TokensUsed);
        Assert.Contains(OpenAIOptions.MaxTokensPerRunSetting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACallOverTheCostCap_SendsNothing_AndThrowsTheBudgetException()
    {
        // About 1,000 tokens at 1.00 per 1K tokens: 1.00, over a cap of 0.50.
        var options = Options(o => (o.EmbeddingPricePer1KTokens, o.MaxCostPerRun) = (1.00m, 0.50m));

        await Assert.ThrowsAsync<SummarizerBudgetExceededException>(() => Embedder(options).EmbedAsync(Texts(100, length: 40), CancellationToken.None));

        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task AnUnreadableVector_IsUnusable()
    {
        Server.Intercept = r => new TestAnswer(200, """{"object":"list","data":[{"object":"embedding","index":0,"embedding":"not base64!"}],"model":"m","usage":{"prompt_tokens":2,"total_tokens":2}}""");

        var error = await Assert.ThrowsAsync<TextEmbedderUnavailableException>(() => Embedder(Options()).EmbedAsync(["one"], CancellationToken.None));

        Assert.Contains("could not be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheServicesUsage_IsWhatTheBudgetCounts_AndStopsTheNextRequestAtTheCap()
    {
        // Estimated 10 tokens a text, but the service counts 60 a text: after the first batch (10 texts, 600 tokens)
        // the second (estimated 100) no longer fits in 650.
        Server.EmbeddingUsage = texts => texts.Count * 60;
        var options = Options(o => (o.MaxTokensPerRun, o.EmbeddingBatchSize) = (650, 10));
        var budget = new OpenAIRunBudget(options);

        await Assert.ThrowsAsync<SummarizerBudgetExceededException>(() => Embedder(options, budget).EmbedAsync(Texts(20, length: 40), CancellationToken.None));

        Assert.Single(Server.Requests);
        Assert.Equal(600, budget.TokensUsed);
        Assert.Equal(1, budget.Calls);
    }

    [Fact]
    public async Task TheBudget_IsSharedAcrossCallsOfTheRun()
    {
        var options = Options(o => o.MaxTokensPerRun = 1_000);
        var budget = new OpenAIRunBudget(options);
        var embedder = Embedder(options, budget);

        await embedder.EmbedAsync(Texts(60, length: 40), CancellationToken.None); // 600 tokens
        await Assert.ThrowsAsync<SummarizerBudgetExceededException>(() => embedder.EmbedAsync(Texts(60, length: 40).Select(t => t + "!").ToArray(), CancellationToken.None));

        Assert.Single(Server.Requests);
        Assert.Equal(600, budget.TokensUsed);
    }

    [Fact]
    public async Task Cancellation_IsThrown_AsCancellation()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Embedder(Options()).EmbedAsync(["text"], cancel.Token));
    }
}
