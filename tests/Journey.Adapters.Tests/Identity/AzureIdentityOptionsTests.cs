using Azure.Identity;
using Journey.Adapters.Identity;
using Microsoft.Extensions.Configuration;

namespace Journey.Adapters.Tests.Identity;

/// <summary>The one credential of the app's Azure clients, from the connections' identity settings.</summary>
public sealed class AzureIdentityOptionsTests
{
    private const string IdentityA = "11111111-2222-3333-4444-555555555555";
    private const string IdentityB = "99999999-8888-7777-6666-555555555555";

    private static AzureIdentityOptions Read(params (string Key, string Value)[] values) =>
        AzureIdentityOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());

    [Fact]
    public void TheSettingsBicepWrites_GiveOneUserAssignedManagedIdentity()
    {
        var options = Read(
            ("EventHubConnection:credential", "managedidentity"),
            ("EventHubConnection:clientId", IdentityA),
            ("CosmosConnection:credential", "managedidentity"),
            ("CosmosConnection:clientId", IdentityA),
            ("OpenAI:ClientId", IdentityA));

        Assert.Empty(options.Validate());
        Assert.Equal(IdentityA, options.ClientId);
        Assert.IsType<ManagedIdentityCredential>(options.CreateCredential());
    }

    [Theory]
    [InlineData("EventHubConnection__clientId")]
    [InlineData("CosmosConnection:clientId")]
    [InlineData("OpenAI:ClientId")]
    public void AnyOneClientIdSetting_SelectsTheManagedIdentity(string setting)
    {
        var options = Read((setting, IdentityA));

        Assert.Empty(options.Validate());
        Assert.Equal(IdentityA, options.ClientId);
        Assert.True(options.UsesManagedIdentity);
        Assert.IsType<ManagedIdentityCredential>(options.CreateCredential());
    }

    [Fact]
    public void CredentialManagedIdentityWithoutClientId_IsTheSystemAssignedIdentity()
    {
        var options = Read(("CosmosConnection__credential", "ManagedIdentity"));

        Assert.Empty(options.Validate());
        Assert.Null(options.ClientId);
        Assert.True(options.UsesManagedIdentity);
        Assert.IsType<ManagedIdentityCredential>(options.CreateCredential());
    }

    [Fact]
    public void NoIdentitySettings_IsDefaultAzureCredential()
    {
        var options = Read(("EventHubConnection:fullyQualifiedNamespace", "myns.servicebus.windows.net"));

        Assert.Empty(options.Validate());
        Assert.False(options.UsesManagedIdentity);
        Assert.IsType<DefaultAzureCredential>(options.CreateCredential());
    }

    [Fact]
    public void TwoDifferentClientIds_AreAnError_NamingBothSettings()
    {
        var problems = string.Join("\n", Read(("EventHubConnection:clientId", IdentityA), ("OpenAI:ClientId", IdentityB)).Validate());

        Assert.Contains("EventHubConnection__clientId", problems, StringComparison.Ordinal);
        Assert.Contains("OpenAI__ClientId", problems, StringComparison.Ordinal);
        Assert.Contains("different identities", problems, StringComparison.Ordinal);
    }

    [Fact]
    public void AClientIdThatIsNoGuid_IsAnError_NamingTheSetting()
    {
        var problems = string.Join("\n", Read(("CosmosConnection:clientId", "my-identity")).Validate());

        Assert.Contains("CosmosConnection__clientId", problems, StringComparison.Ordinal);
        Assert.Contains("GUID", problems, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownCredentialKind_IsAnError_NamingTheSetting()
    {
        var problems = string.Join("\n", Read(("EventHubConnection:credential", "clientsecret")).Validate());

        Assert.Contains("EventHubConnection__credential must be 'managedidentity' or absent", problems, StringComparison.Ordinal);
    }
}
