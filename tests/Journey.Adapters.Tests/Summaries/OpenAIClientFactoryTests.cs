using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using Azure.AI.OpenAI;
using Azure.Core;
using Journey.Adapters.Summaries;
using Moq;

namespace Journey.Adapters.Tests.Summaries;

/// <summary>
/// The Azure OpenAI client from <see cref="OpenAIOptions"/>, with each credential kind: requests are caught by the
/// test's transport (nothing leaves the process), which shows the address the client calls and how it signs in.
/// </summary>
public sealed class OpenAIClientFactoryTests
{
    private const string Resource = "https://myresource.openai.azure.com/";

    /// <summary>Keeps the first request and answers 400 (not retried), so every call ends at once.</summary>
    private sealed class CapturingHandler : HttpMessageHandler
    {
        public HttpRequestMessage? Request { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Request ??= request;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("""{"error":{"code":"test","message":"caught by the test"}}""") });
        }
    }

    private static AzureOpenAIClientOptions Through(CapturingHandler handler) => new() { Transport = new HttpClientPipelineTransport(new HttpClient(handler)) };

    private static Mock<TokenCredential> Credential(List<string> scopes)
    {
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .Returns((TokenRequestContext context, CancellationToken _) =>
            {
                scopes.AddRange(context.Scopes);
                return new ValueTask<AccessToken>(new AccessToken("entra-token", DateTimeOffset.UtcNow.AddHours(1)));
            });
        credential.Setup(c => c.GetToken(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .Returns((TokenRequestContext context, CancellationToken _) =>
            {
                scopes.AddRange(context.Scopes);
                return new AccessToken("entra-token", DateTimeOffset.UtcNow.AddHours(1));
            });
        return credential;
    }

    [Theory]
    [InlineData("https://myresource.openai.azure.com/openai/v1/")]
    [InlineData("https://myresource.openai.azure.com/openai/v1")]
    [InlineData("https://myresource.openai.azure.com/")]
    [InlineData("https://myresource.openai.azure.com")]
    public async Task Entra_TheSharedCredentialSignsChatRequests_ToTheResourcesChatDeployment(string endpoint)
    {
        var scopes = new List<string>();
        var credential = Credential(scopes);
        var handler = new CapturingHandler();
        var client = OpenAIClientFactory.Create(new OpenAIOptions { Endpoint = endpoint, Deployment = "chat" }, credential.Object, Through(handler));

        await Assert.ThrowsAsync<ClientResultException>(() => client.GetChatClient("chat").CompleteChatAsync("hello"));

        var request = handler.Request!;
        Assert.Equal($"{Resource}openai/deployments/chat/chat/completions", request.RequestUri!.GetLeftPart(UriPartial.Path));
        Assert.Contains("api-version=", request.RequestUri.Query, StringComparison.Ordinal);
        Assert.Equal("Bearer entra-token", request.Headers.Authorization!.ToString());
        Assert.Contains("https://cognitiveservices.azure.com/.default", scopes);
    }

    [Fact]
    public async Task ApiKey_WinsOverTheCredential_AndIsSentAsTheApiKeyHeader()
    {
        var credential = new Mock<TokenCredential>(MockBehavior.Strict);
        var handler = new CapturingHandler();
        var options = new OpenAIOptions { Endpoint = "https://myresource.openai.azure.com/openai/v1/", Deployment = "chat", EmbeddingDeployment = "embed", ApiKey = "local-key" };
        var client = OpenAIClientFactory.Create(options, credential.Object, Through(handler));

        await Assert.ThrowsAsync<ClientResultException>(() => client.GetEmbeddingClient(options.EmbeddingDeployment).GenerateEmbeddingAsync("text"));

        var request = handler.Request!;
        Assert.Equal($"{Resource}openai/deployments/embed/embeddings", request.RequestUri!.GetLeftPart(UriPartial.Path));
        Assert.Equal("local-key", request.Headers.GetValues("api-key").Single());
        credential.VerifyNoOtherCalls();
    }

    [Fact]
    public void Entra_WithoutACredential_IsAnError()
    {
        Assert.Throws<ArgumentNullException>(() => OpenAIClientFactory.Create(new OpenAIOptions { Endpoint = Resource, Deployment = "chat" }, credential: null));
    }

    [Fact]
    public void NoEndpoint_IsNoClient()
    {
        var error = Assert.Throws<ArgumentException>(() => OpenAIClientFactory.Create(new OpenAIOptions { Deployment = "chat" }, credential: null));

        Assert.Contains("OpenAI__Endpoint", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("myresource.openai.azure.com", "OpenAI__Endpoint must be an absolute https address")]
    [InlineData("http://myresource.openai.azure.com/", "OpenAI__Endpoint must be an https address")]
    [InlineData("https://myresource.openai.azure.com/openai/deployments/chat", "OpenAI__Endpoint must be the resource's endpoint")]
    [InlineData("https://myresource.openai.azure.com/?api-version=2024-10-21", "OpenAI__Endpoint must be an absolute https address")]
    public void Validate_BadEndpoint_NamesTheSetting(string endpoint, string message)
    {
        var problems = new OpenAIOptions { Endpoint = endpoint, Deployment = "chat" }.Validate();

        Assert.Contains(problems, p => p.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EndpointWithoutDeployment_NamesTheSetting()
    {
        var problems = new OpenAIOptions { Endpoint = Resource }.Validate();

        Assert.Contains(problems, p => p.Contains("OpenAI__Deployment", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadEmbeddingDeployment_NamesTheSetting()
    {
        var problems = new OpenAIOptions { Endpoint = Resource, Deployment = "chat", EmbeddingDeployment = "has spaces" }.Validate();

        Assert.Contains(problems, p => p.Contains("OpenAI__EmbeddingDeployment", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ApiKeyWithoutEndpoint_NamesBothSettings()
    {
        var problems = string.Join("\n", new OpenAIOptions { ApiKey = "k" }.Validate());

        Assert.Contains("OpenAI__ApiKey", problems, StringComparison.Ordinal);
        Assert.Contains("OpenAI__Endpoint", problems, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NothingSet_IsFine()
    {
        Assert.Empty(new OpenAIOptions().Validate());
        Assert.Empty(new OpenAIOptions { Endpoint = "http://127.0.0.1:8080/openai/v1/", Deployment = "chat" }.Validate());
    }
}
