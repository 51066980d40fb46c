using Journey.Adapters.Summaries;
using Journey.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Settings;

/// <summary>The summarizer's Azure OpenAI settings: their names in <see cref="SettingNames"/>, binding, validation at start, and the run factory's registration.</summary>
public sealed class OpenAISettingsTests : IDisposable
{
    private readonly ComposedServices _composition = new();

    public void Dispose() => _composition.Dispose();

    private ServiceProvider Compose(params (string Key, string Value)[] settings) => _composition.Compose(settings);

    [Fact]
    public void TheOptions_ReadTheSettingNames()
    {
        Assert.Equal(SettingNames.OpenAIMaxTokensPerRun, OpenAIOptions.MaxTokensPerRunSetting);
        Assert.Equal(SettingNames.OpenAIMaxCostPerRun, OpenAIOptions.MaxCostPerRunSetting);
        Assert.Equal(SettingNames.OpenAIChatInputPricePer1KTokens, OpenAIOptions.ChatInputPriceSetting);
        Assert.Equal(SettingNames.OpenAIChatOutputPricePer1KTokens, OpenAIOptions.ChatOutputPriceSetting);
        Assert.Equal(SettingNames.OpenAIEmbeddingPricePer1KTokens, OpenAIOptions.EmbeddingPriceSetting);
        Assert.Equal(SettingNames.OpenAIEmbeddingBatchSize, OpenAIOptions.EmbeddingBatchSizeSetting);
        Assert.Equal(SettingNames.OpenAIEmbeddingMaxCharsPerRequest, OpenAIOptions.EmbeddingMaxCharsPerRequestSetting);
        Assert.Equal(SettingNames.OpenAIMaxRetries, OpenAIOptions.MaxRetriesSetting);
        Assert.Equal(SettingNames.OpenAIMaxRetryDelay, OpenAIOptions.MaxRetryDelaySetting);
        foreach (var (setting, property) in new[]
        {
            (SettingNames.OpenAIMaxTokensPerRun, nameof(OpenAIOptions.MaxTokensPerRun)),
            (SettingNames.OpenAIMaxCostPerRun, nameof(OpenAIOptions.MaxCostPerRun)),
            (SettingNames.OpenAIChatInputPricePer1KTokens, nameof(OpenAIOptions.ChatInputPricePer1KTokens)),
            (SettingNames.OpenAIChatOutputPricePer1KTokens, nameof(OpenAIOptions.ChatOutputPricePer1KTokens)),
            (SettingNames.OpenAIEmbeddingPricePer1KTokens, nameof(OpenAIOptions.EmbeddingPricePer1KTokens)),
            (SettingNames.OpenAIEmbeddingBatchSize, nameof(OpenAIOptions.EmbeddingBatchSize)),
            (SettingNames.OpenAIEmbeddingMaxCharsPerRequest, nameof(OpenAIOptions.EmbeddingMaxCharsPerRequest)),
            (SettingNames.OpenAIMaxRetries, nameof(OpenAIOptions.MaxRetries)),
            (SettingNames.OpenAIMaxRetryDelay, nameof(OpenAIOptions.MaxRetryDelay)),
        })
        {
            Assert.Equal($"{OpenAIOptions.SectionName}__{property}", setting);
        }
    }

    [Fact]
    public async Task TheSettings_Bind()
    {
        await using var provider = Compose(
            (SettingNames.OpenAIMaxTokensPerRun, "5000"),
            (SettingNames.OpenAIMaxCostPerRun, "0.25"),
            (SettingNames.OpenAIChatInputPricePer1KTokens, "0.001"),
            (SettingNames.OpenAIEmbeddingBatchSize, "16"),
            (SettingNames.OpenAIMaxRetryDelay, "00:00:10"));

        var options = provider.GetRequiredService<OpenAIOptions>();
        Assert.Equal((5000L, 0.25m, 0.001m, 16, TimeSpan.FromSeconds(10)), (options.MaxTokensPerRun, options.MaxCostPerRun, options.ChatInputPricePer1KTokens, options.EmbeddingBatchSize, options.MaxRetryDelay));
    }

    [Fact]
    public void ABadValue_StopsTheApp_NamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Compose((SettingNames.OpenAIMaxRetries, "50"), (SettingNames.OpenAIMaxCostPerRun, "-1")));

        Assert.Contains(SettingNames.OpenAIMaxRetries, error.Message, StringComparison.Ordinal);
        Assert.Contains(SettingNames.OpenAIMaxCostPerRun, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRunFactory_IsRegisteredOnlyWithAnEndpoint()
    {
        await using (var local = Compose())
        {
            Assert.Null(local.GetService<OpenAIRunFactory>());
        }

        await using var configured = Compose(
            (SettingNames.OpenAIEndpoint, "https://myresource.openai.azure.com/openai/v1/"),
            (SettingNames.OpenAIDeployment, "chat"),
            (SettingNames.OpenAIEmbeddingDeployment, "embeddings"),
            (SettingNames.OpenAIApiKey, "local-key"));
        var run = configured.GetRequiredService<OpenAIRunFactory>().StartRun();
        Assert.Equal("azure-openai:myresource.openai.azure.com/embeddings", run.Embedder!.Model);
        Assert.Equal(1_000_000, run.Budget.MaxTokens);
    }
}
