using Azure.AI.OpenAI;
using Azure.Core;
using Azure.Identity;
using Journey.Adapters.Stream.Embedded;
using Journey.Adapters.Stream.EventHubs;
using Journey.Domain.Ports;
using Journey.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Moq;

using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Settings;

/// <summary>
/// The composition root's Azure clients: one <see cref="TokenCredential"/> from the connections' identity
/// settings, the Event Hubs producer for an Event Hubs connection, the Azure OpenAI client only with an
/// endpoint. Services are resolved, never started: nothing connects anywhere.
/// </summary>
public sealed class AzureClientsCompositionTests : IDisposable
{
    private const string Identity = "11111111-2222-3333-4444-555555555555";

    private readonly ComposedServices _composition = new();

    public void Dispose() => _composition.Dispose();

    private ServiceProvider Compose(Action<IServiceCollection>? replace = null, params (string Key, string Value)[] settings) => _composition.Compose(replace, settings);

    [Fact]
    public async Task TheSettingsBicepWrites_RegisterOneManagedIdentityCredential_AndTheEventHubsProducer()
    {
        await using var provider = Compose(null,
            ("EventHubConnection__fullyQualifiedNamespace", "myns.servicebus.windows.net"),
            ("EventHubConnection__credential", "managedidentity"),
            ("EventHubConnection__clientId", Identity),
            ("EventHubName", "journey-events"),
            ("OpenAI__ClientId", Identity));

        Assert.IsType<ManagedIdentityCredential>(provider.GetRequiredService<TokenCredential>());
        Assert.Same(provider.GetRequiredService<TokenCredential>(), provider.GetRequiredService<TokenCredential>());
        Assert.IsType<EventHubsProducer>(provider.GetRequiredService<IEventStream>());
        Assert.Null(provider.GetService<EmbeddedEventLog>());
        Assert.Null(provider.GetService<AzureOpenAIClient>());
    }

    [Fact]
    public async Task ANamespaceWithoutIdentitySettings_UsesDefaultAzureCredential()
    {
        await using var provider = Compose(null, ("EventHubConnection__fullyQualifiedNamespace", "myns.servicebus.windows.net"));

        Assert.IsType<DefaultAzureCredential>(provider.GetRequiredService<TokenCredential>());
        Assert.IsType<EventHubsProducer>(provider.GetRequiredService<IEventStream>());
    }

    [Fact]
    public async Task NoCloudSettings_KeepTheEmbeddedStream_AndNoOpenAIClient()
    {
        await using var provider = Compose();

        Assert.IsType<EmbeddedEventLog>(provider.GetRequiredService<IEventStream>());
        Assert.Null(provider.GetService<AzureOpenAIClient>());
    }

    [Fact]
    public async Task AnOpenAIEndpoint_RegistersTheClient_SignedInWithTheSharedCredential()
    {
        var scopes = new List<string>();
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .Callback((TokenRequestContext context, CancellationToken _) => scopes.AddRange(context.Scopes))
            .ThrowsAsync(new CredentialUnavailableException("the test's credential stops the request before it is sent"));
        credential.Setup(c => c.GetToken(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .Callback((TokenRequestContext context, CancellationToken _) => scopes.AddRange(context.Scopes))
            .Throws(new CredentialUnavailableException("the test's credential stops the request before it is sent"));
        await using var provider = Compose(
            services => services.Replace(ServiceDescriptor.Singleton(credential.Object)),
            ("OpenAI__Endpoint", "https://myresource.openai.azure.com/openai/v1/"),
            ("OpenAI__Deployment", "chat"),
            ("OpenAI__ClientId", Identity));

        var client = provider.GetRequiredService<AzureOpenAIClient>();
        await Assert.ThrowsAsync<CredentialUnavailableException>(() => client.GetChatClient("chat").CompleteChatAsync("hello"));

        Assert.Contains("https://cognitiveservices.azure.com/.default", scopes);
    }

    [Fact]
    public async Task AnOpenAIApiKey_RegistersTheClient_WithoutTheCredential()
    {
        await using var provider = Compose(
            services => services.Replace(ServiceDescriptor.Singleton(new Mock<TokenCredential>(MockBehavior.Strict).Object)),
            ("OpenAI__Endpoint", "https://myresource.openai.azure.com/"),
            ("OpenAI__Deployment", "chat"),
            ("OpenAI__ApiKey", "local-key"));

        Assert.NotNull(provider.GetRequiredService<AzureOpenAIClient>());
    }

    [Fact]
    public void DifferentIdentitiesForTwoClients_StopTheApp_NamingBothSettings()
    {
        var error = Assert.ThrowsAny<Exception>(() => Compose(null,
            ("EventHubConnection__fullyQualifiedNamespace", "myns.servicebus.windows.net"),
            ("EventHubConnection__clientId", Identity),
            ("CosmosConnection__clientId", "99999999-8888-7777-6666-555555555555")));

        Assert.Contains("EventHubConnection__clientId", error.Message, StringComparison.Ordinal);
        Assert.Contains("CosmosConnection__clientId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadEventHubsTuning_StopsTheApp_NamingTheSetting()
    {
        var error = Assert.ThrowsAny<Exception>(() => Compose(null,
            ("EventHubConnection__fullyQualifiedNamespace", "myns.servicebus.windows.net"),
            ("EventHubs__TryTimeout", "00:00:00")));

        Assert.Contains("EventHubs:TryTimeout", error.Message, StringComparison.Ordinal);
    }
}
