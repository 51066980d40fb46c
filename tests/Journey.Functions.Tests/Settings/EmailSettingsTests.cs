using Journey.Adapters.Actions.Email;
using Journey.Domain.Ports;
using Journey.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Journey.Functions.Tests.Settings;

/// <summary>The email destination is composed only with an SMTP host, and its settings are checked at start.</summary>
public sealed class EmailSettingsTests
{
    private static readonly string Secret = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

    private static async Task<bool> RegistersEmailAsync(params string[] settings)
    {
        var registered = false;
        await using var app = await TestApp.StartAsync(
            services => registered = services.Any(d => d.ServiceType == typeof(IActionDestination) && d.ImplementationType == typeof(EmailDestination)),
            settings);
        Assert.Equal("Mugs", app.Services.GetRequiredService<EmailOptions>().ShopName);
        return registered;
    }

    [Fact]
    public async Task WithoutAnSmtpHost_ThereIsNoEmailDestination() =>
        Assert.False(await RegistersEmailAsync("--Actions:ShopName=Mugs"));

    [Fact]
    public async Task WithAnSmtpHost_TheEmailDestinationIsRegistered() =>
        Assert.True(await RegistersEmailAsync(
            "--Actions:ShopName=Mugs", "--Actions:Smtp:Host=127.0.0.1", "--Actions:Smtp:Port=2525", "--Actions:Smtp:From=shop@mugs.example",
            "--Actions:PublicBaseUrl=https://journey.mugs.example", $"--Actions:UnsubscribeSecret={Secret}"));

    [Fact]
    public async Task AnSmtpHostWithoutSenderOrSecret_StopsTheStart_NamingTheSettings()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestApp.StartAsync("--Actions:Smtp:Host=127.0.0.1"));

        Assert.Contains("Actions__Smtp__From", error.Message, StringComparison.Ordinal);
        Assert.Contains("Actions__UnsubscribeSecret", error.Message, StringComparison.Ordinal);
        Assert.Contains("Actions__PublicBaseUrl", error.Message, StringComparison.Ordinal);
    }
}
