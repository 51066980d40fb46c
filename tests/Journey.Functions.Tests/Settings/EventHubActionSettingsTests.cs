using Journey.Adapters.Actions.EventHubs;
using Journey.Application.Actions;
using Journey.Domain.Actions;
using Journey.Domain.Ports;
using Journey.Application.Processing;
using Journey.Functions.Hosting;
using Journey.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Journey.Functions.Tests.Settings;

/// <summary>The Event Hub destination's settings: their names in <see cref="SettingNames"/>, off unless a connection is set, checked at start.</summary>
public sealed class EventHubActionSettingsTests : IDisposable
{
    private const string Namespace = "myns.servicebus.windows.net";
    private const string Key = "c2VjcmV0LWtleS12YWx1ZQ==";
    private const string ConnectionString = $"Endpoint=sb://{Namespace}/;SharedAccessKeyName=send;SharedAccessKey={Key}";
    private readonly ComposedServices _composition = new();

    public void Dispose() => _composition.Dispose();

    private ServiceProvider Compose(params (string Key, string Value)[] settings) => _composition.Compose(settings);

    [Fact]
    public void TheOptions_ReadTheSettingNames()
    {
        Assert.Equal(SettingNames.ActionsEventHubNamespace, EventHubActionOptions.NamespaceSetting);
        Assert.Equal(SettingNames.ActionsEventHubConnectionString, EventHubActionOptions.ConnectionStringSetting);
        Assert.Equal(SettingNames.ActionsEventHubName, EventHubActionOptions.NameSetting);
        var section = EventHubActionOptions.SectionName.Replace(":", "__", StringComparison.Ordinal);
        Assert.Equal(SettingNames.ActionsEventHubNamespace, $"{section}__{nameof(EventHubActionOptions.FullyQualifiedNamespace)}");
        Assert.Equal(SettingNames.ActionsEventHubConnectionString, $"{section}__{nameof(EventHubActionOptions.ConnectionString)}");
        Assert.Equal(SettingNames.ActionsEventHubName, $"{section}__{nameof(EventHubActionOptions.Name)}");
        Assert.Equal(EventHubActionOptions.TypesSetting, $"{section}__{nameof(EventHubActionOptions.Types)}");
    }

    [Fact]
    public async Task WithoutAConnection_ThereIsNoEventHubDestination_EvenWithTheStreamsNamespaceSet_AndNoActionCapture()
    {
        await using var provider = Compose(
            (SettingNames.EventHubConnectionNamespace, Namespace),
            (SettingNames.ActionsEventHubName, "journey-actions"));

        Assert.Empty(provider.GetServices<IActionDestination>());
        Assert.DoesNotContain(provider.GetServices<ICustomerChangeStep>(), s => s is ActionCapture);
    }

    [Fact]
    public async Task TheNamespace_RegistersTheDestination_ByTheAppsIdentity_AndTurnsTheRulesOn()
    {
        await using var provider = Compose(
            (SettingNames.ActionsEventHubNamespace, Namespace),
            ("Actions__EventHub__Types__0", ActionTypes.CartAbandoned));

        var destination = Assert.IsType<EventHubActionDestination>(Assert.Single(provider.GetServices<IActionDestination>()));
        Assert.Equal("eventhub:journey-actions", destination.Name);
        Assert.True(destination.Accepts(ActionTypes.CartAbandoned));
        Assert.False(destination.Accepts(ActionTypes.WinBack));
        Assert.Contains(provider.GetServices<ICustomerChangeStep>(), s => s is ActionCapture);
        Assert.NotNull(provider.GetRequiredService<ActionDispatcher>());
    }

    [Fact]
    public async Task AConnectionString_RegistersTheDestination_ForTheHubNamed()
    {
        await using var provider = Compose(
            (SettingNames.ActionsEventHubConnectionString, ConnectionString),
            (SettingNames.ActionsEventHubName, "crm-actions"));

        Assert.Equal("eventhub:crm-actions", Assert.Single(provider.GetServices<IActionDestination>()).Name);
    }

    [Fact]
    public void ABadConnection_StopsTheApp_NamingTheSetting_AndNotShowingTheKey()
    {
        var badNamespace = Assert.Throws<OptionsValidationException>(() => Compose((SettingNames.ActionsEventHubNamespace, "https://myns/with/a/path")));
        var otherHub = Assert.Throws<OptionsValidationException>(() => Compose((SettingNames.ActionsEventHubConnectionString, ConnectionString + ";EntityPath=journey-events")));

        Assert.Contains(SettingNames.ActionsEventHubNamespace, badNamespace.Message, StringComparison.Ordinal);
        Assert.Contains(SettingNames.ActionsEventHubConnectionString, otherHub.Message, StringComparison.Ordinal);
        Assert.Contains(SettingNames.ActionsEventHubName, otherHub.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, otherHub.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypesWithoutAConnection_StopTheApp_NamingTheSettings()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Compose(("Actions__EventHub__Types__0", ActionTypes.WinBack)));

        Assert.Contains(EventHubActionOptions.TypesSetting, error.Message, StringComparison.Ordinal);
        Assert.Contains(SettingNames.ActionsEventHubNamespace, error.Message, StringComparison.Ordinal);
    }
}
