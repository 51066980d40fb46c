using System.Security.Cryptography;
using Journey.Adapters.Actions.Webhooks;
using Journey.Domain.Actions;
using Journey.Domain.Ports;
using Journey.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Settings;

/// <summary>The webhook settings: their names in <see cref="SettingNames"/>, and one destination registered per receiver.</summary>
public sealed class WebhookSettingsTests : IDisposable
{
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly ComposedServices _composition = new();

    public void Dispose() => _composition.Dispose();

    private ServiceProvider Compose(params (string Key, string Value)[] settings) => _composition.Compose(settings);

    [Fact]
    public void TheOptions_ReadTheSettingNames()
    {
        Assert.Equal(SettingNames.ActionsWebhookUrl, WebhookOptions.WebhookUrlSetting);
        Assert.Equal(SettingNames.ActionsWebhookSecret, WebhookOptions.WebhookSecretSetting);
        Assert.Equal(SettingNames.ActionsWebhookTimeout, WebhookOptions.WebhookTimeoutSetting);
        Assert.Equal($"{WebhookOptions.SectionName}__{nameof(WebhookOptions.WebhookUrl)}", SettingNames.ActionsWebhookUrl);
        Assert.Equal($"{WebhookOptions.SectionName}__{nameof(WebhookOptions.WebhookSecret)}", SettingNames.ActionsWebhookSecret);
        Assert.Equal($"{WebhookOptions.SectionName}__{nameof(WebhookOptions.WebhookTimeout)}", SettingNames.ActionsWebhookTimeout);
    }

    [Fact]
    public async Task NoWebhookSetting_RegistersNoWebhookDestination()
    {
        await using var provider = Compose();

        Assert.DoesNotContain(provider.GetServices<IActionDestination>(), d => d is WebhookDestination);
    }

    [Fact]
    public async Task EachReceiver_IsOneDestination_WithItsTypeFilter()
    {
        await using var provider = Compose(
            (SettingNames.ActionsWebhookUrl, "https://shop.example/hooks/journey"),
            (SettingNames.ActionsWebhookSecret, Secret),
            ("Actions__Webhooks__0__Name", "crm"),
            ("Actions__Webhooks__0__Url", "https://crm.example/in"),
            ("Actions__Webhooks__0__Secret", Secret),
            ("Actions__Webhooks__0__Types__0", ActionTypes.CartAbandoned));

        var destinations = provider.GetServices<IActionDestination>().OfType<WebhookDestination>().ToList();
        Assert.Equal(["webhook:default", "webhook:crm"], destinations.Select(d => d.Name));
        Assert.True(destinations[0].Accepts(ActionTypes.WinBack));
        Assert.False(destinations[1].Accepts(ActionTypes.WinBack));
        Assert.True(destinations[1].Accepts(ActionTypes.CartAbandoned));
    }

    [Fact]
    public void ABadSecret_StopsTheApp_NamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Compose(
            (SettingNames.ActionsWebhookUrl, "https://shop.example/hooks/journey"),
            (SettingNames.ActionsWebhookSecret, "not-a-whsec-secret")));

        Assert.Contains(SettingNames.ActionsWebhookSecret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-whsec-secret", error.Message, StringComparison.Ordinal);
    }
}
