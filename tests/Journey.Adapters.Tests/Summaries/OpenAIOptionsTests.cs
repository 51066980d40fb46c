using Journey.Adapters.Summaries;

namespace Journey.Adapters.Tests.Summaries;

/// <summary>The run caps, prices, batching and retry settings of <see cref="OpenAIOptions"/>: defaults and validation.</summary>
public sealed class OpenAIOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndDocumentedOnes()
    {
        var options = new OpenAIOptions();

        Assert.Empty(options.Validate());
        Assert.Equal(1_000_000, options.MaxTokensPerRun);
        Assert.Equal(1.00m, options.MaxCostPerRun);
        Assert.Equal(0.0004m, options.ChatInputPricePer1KTokens);
        Assert.Equal(0.0016m, options.ChatOutputPricePer1KTokens);
        Assert.Equal(0.00002m, options.EmbeddingPricePer1KTokens);
        Assert.Equal(64, options.EmbeddingBatchSize);
        Assert.Equal(32_000, options.EmbeddingMaxCharsPerRequest);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MaxRetryDelay);
    }

    public static TheoryData<Action<OpenAIOptions>, string> BadValues => new()
    {
        { o => o.MaxTokensPerRun = 0, OpenAIOptions.MaxTokensPerRunSetting },
        { o => o.MaxCostPerRun = 0m, OpenAIOptions.MaxCostPerRunSetting },
        { o => o.ChatInputPricePer1KTokens = -0.1m, OpenAIOptions.ChatInputPriceSetting },
        { o => o.ChatOutputPricePer1KTokens = -0.1m, OpenAIOptions.ChatOutputPriceSetting },
        { o => o.EmbeddingPricePer1KTokens = -0.1m, OpenAIOptions.EmbeddingPriceSetting },
        { o => o.EmbeddingBatchSize = 0, OpenAIOptions.EmbeddingBatchSizeSetting },
        { o => o.EmbeddingBatchSize = 2049, OpenAIOptions.EmbeddingBatchSizeSetting },
        { o => o.EmbeddingMaxCharsPerRequest = 999, OpenAIOptions.EmbeddingMaxCharsPerRequestSetting },
        { o => o.MaxRetries = -1, OpenAIOptions.MaxRetriesSetting },
        { o => o.MaxRetries = 11, OpenAIOptions.MaxRetriesSetting },
        { o => o.MaxRetryDelay = TimeSpan.Zero, OpenAIOptions.MaxRetryDelaySetting },
        { o => o.MaxRetryDelay = TimeSpan.FromMinutes(11), OpenAIOptions.MaxRetryDelaySetting },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void ABadValue_IsAProblemNamingItsSetting(Action<OpenAIOptions> configure, string setting)
    {
        var options = new OpenAIOptions { Endpoint = "https://myresource.openai.azure.com/openai/v1/", Deployment = "chat" };
        configure(options);

        Assert.Contains(options.Validate(), p => p.StartsWith(setting + " must", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("The zipper broke", 4)]
    [InlineData("", 0)]
    [InlineData("abcd", 1)]
    [InlineData("abcde", 2)]
    [InlineData("サイズ", 3)]
    public void Tokens_AreEstimatedAsUtf8BytesOverFour_RoundedUp(string text, long tokens)
    {
        Assert.Equal(tokens, OpenAIRunBudget.EstimateTokens(text));
    }

    [Fact]
    public void AReservation_NotCompleted_IsReleased_AndACompletedOneCountsTheServicesUsage()
    {
        var budget = new OpenAIRunBudget(new OpenAIOptions { MaxTokensPerRun = 1_000, ChatInputPricePer1KTokens = 1m, ChatOutputPricePer1KTokens = 2m, MaxCostPerRun = 100m });

        using (var failed = budget.TryReserve(OpenAICallKind.Chat, 300, 400))
        {
            Assert.NotNull(failed);
            Assert.Equal(700, budget.TokensUsed);
            Assert.Null(budget.TryReserve(OpenAICallKind.Chat, 300, 1));
        }
        Assert.Equal(0, budget.TokensUsed);
        Assert.Equal(0m, budget.CostUsed);

        using (var done = budget.TryReserve(OpenAICallKind.Chat, 300, 400))
        {
            done!.Complete(250, 50);
        }
        Assert.Equal(300, budget.TokensUsed);
        Assert.Equal(0.35m, budget.CostUsed);
        Assert.Equal(1, budget.Calls);
        Assert.Equal("300 of 1000 tokens, 0.35 of 100 spent in 1 calls", budget.ToString());
    }

    [Fact]
    public void AnEmbeddingCall_IsPricedAtTheEmbeddingsPrice()
    {
        var budget = new OpenAIRunBudget(new OpenAIOptions { EmbeddingPricePer1KTokens = 0.5m, ChatInputPricePer1KTokens = 9m });

        Assert.Equal(0.5m, budget.Cost(OpenAICallKind.Embedding, 1_000, 0));
        Assert.Equal(9m, budget.Cost(OpenAICallKind.Chat, 1_000, 0));
    }
}
