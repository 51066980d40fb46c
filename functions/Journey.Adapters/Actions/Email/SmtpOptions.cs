using Journey.Domain.Actions;
using Microsoft.Extensions.Configuration;

namespace Journey.Adapters.Actions.Email;

/// <summary>How the SMTP connection is secured (<c>Actions:Smtp:Tls</c>).</summary>
public enum SmtpTlsMode
{
    /// <summary>STARTTLS when the server offers it, else plain (so a plain server on loopback works). The default.</summary>
    Auto,

    /// <summary>STARTTLS, required (port 587 of most providers).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>No TLS at all.</summary>
    None,
}

/// <summary>
/// The SMTP server the email destination sends through (section <c>Actions:Smtp</c>, app settings
/// <c>Actions__Smtp__Host</c>, <c>…__Port</c>, <c>…__From</c>, <c>…__User</c>, <c>…__Password</c>, <c>…__Tls</c>):
/// Azure Communication Services Email's SMTP endpoint, SendGrid or any provider. Without a host there is no email destination.
/// </summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Actions:Smtp";
    public const string HostSetting = "Actions__Smtp__Host";
    public const string PortSetting = "Actions__Smtp__Port";
    public const string FromSetting = "Actions__Smtp__From";
    public const string UserSetting = "Actions__Smtp__User";
    public const string PasswordSetting = "Actions__Smtp__Password";
    public const string TlsSetting = "Actions__Smtp__Tls";
    public const string TimeoutSetting = "Actions__Smtp__Timeout";

    /// <summary>The server's host name; empty: no email destination.</summary>
    public string? Host { get; set; }

    /// <summary>The server's port (default 587, the submission port).</summary>
    public int Port { get; set; } = 587;

    /// <summary>The sender, <c>shop@example.com</c> or <c>Shop &lt;shop@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    /// <summary>The user name to authenticate with; empty: no authentication.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    public SmtpTlsMode Tls { get; set; } = SmtpTlsMode.Auto;

    /// <summary>How long one SMTP operation may take (default 00:00:30); a timeout is retried later.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when configuration sets <c>Actions:Smtp:Host</c>: the composition root registers the email destination.</summary>
    public static bool IsConfiguredIn(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration[$"{SectionName}:{nameof(Host)}"]);
    }
}

/// <summary>
/// The email destination's settings (section <c>Actions</c>): the SMTP server (<see cref="Smtp"/>), the public
/// address unsubscribe links point at (<c>Actions__PublicBaseUrl</c>), the shop's name in the emails
/// (<c>Actions__ShopName</c>), the secret that signs unsubscribe links (<c>Actions__UnsubscribeSecret</c>, base64,
/// at least 32 bytes) and the frequency cap (<c>Actions__EmailsPerCustomerPerWeek</c>).
/// </summary>
public sealed class EmailOptions
{
    public const string SectionName = "Actions";
    public const string PublicBaseUrlSetting = "Actions__PublicBaseUrl";
    public const string ShopNameSetting = "Actions__ShopName";
    public const string UnsubscribeSecretSetting = "Actions__UnsubscribeSecret";
    public const string EmailsPerCustomerPerWeekSetting = "Actions__EmailsPerCustomerPerWeek";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>The app's public address (<c>https://shop-journey.example.com</c>); the unsubscribe link is <c>{PublicBaseUrl}/unsubscribe?t=…</c>.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The shop's name in the emails (default "our shop").</summary>
    public string ShopName { get; set; } = "our shop";

    /// <summary>Signs the unsubscribe links: base64 of at least 32 random bytes (<c>openssl rand -base64 32</c>).</summary>
    public string? UnsubscribeSecret { get; set; }

    /// <summary>At most this many emails go to one customer in 7 days (default 2); more are skipped.</summary>
    public int EmailsPerCustomerPerWeek { get; set; } = 2;

    /// <summary>True when an SMTP host is set: emails are sent.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Smtp.Host);

    /// <summary>True when the unsubscribe secret is usable: the app serves <c>/unsubscribe</c>.</summary>
    public bool HasUnsubscribeSecret => UnsubscribeToken.SecretProblem(UnsubscribeSecret) is null;

    /// <summary>The unsubscribe link of a token.</summary>
    public string UnsubscribeUrl(string token) => $"{PublicBaseUrl!.TrimEnd('/')}/unsubscribe?t={Uri.EscapeDataString(token)}";

    /// <summary>Checks the options; returns the problems found, each naming the setting. Without an SMTP host only the settings that are set are checked.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (EmailsPerCustomerPerWeek < 1) problems.Add($"{EmailsPerCustomerPerWeekSetting} must be at least 1 (was {EmailsPerCustomerPerWeek}).");
        if (!string.IsNullOrEmpty(UnsubscribeSecret) && UnsubscribeToken.SecretProblem(UnsubscribeSecret) is { } secretProblem)
            problems.Add($"{UnsubscribeSecretSetting} {secretProblem} (use base64 of at least 32 random bytes, e.g. 'openssl rand -base64 32').");
        if (!string.IsNullOrEmpty(PublicBaseUrl) && !IsHttpUrl(PublicBaseUrl))
            problems.Add($"{PublicBaseUrlSetting} must be an absolute http(s) address without query, such as 'https://journey.example.com' (was '{PublicBaseUrl}').");
        if (!IsConfigured) return problems;

        if (Smtp.Port is < 1 or > 65535) problems.Add($"{SmtpOptions.PortSetting} must be between 1 and 65535 (was {Smtp.Port}).");
        if (string.IsNullOrWhiteSpace(Smtp.From)) problems.Add($"{SmtpOptions.FromSetting} (the sender's address) is required when {SmtpOptions.HostSetting} is set.");
        else if (!MimeKit.MailboxAddress.TryParse(Smtp.From, out var from) || from.Address.IndexOf('@', StringComparison.Ordinal) <= 0) problems.Add($"{SmtpOptions.FromSetting} must be an address such as 'shop@example.com' or 'Shop <shop@example.com>' (was '{Smtp.From}').");
        if (!string.IsNullOrEmpty(Smtp.User) && string.IsNullOrEmpty(Smtp.Password)) problems.Add($"{SmtpOptions.PasswordSetting} is required when {SmtpOptions.UserSetting} is set.");
        if (!Enum.IsDefined(Smtp.Tls)) problems.Add($"{SmtpOptions.TlsSetting} must be Auto, StartTls, SslOnConnect or None (was {Smtp.Tls}).");
        if (Smtp.Timeout <= TimeSpan.Zero || Smtp.Timeout > TimeSpan.FromMinutes(5)) problems.Add($"{SmtpOptions.TimeoutSetting} must be more than 00:00:00 and at most 00:05:00 (was {Smtp.Timeout}).");
        if (string.IsNullOrEmpty(PublicBaseUrl)) problems.Add($"{PublicBaseUrlSetting} is required when {SmtpOptions.HostSetting} is set: every email carries an unsubscribe link to it.");
        if (string.IsNullOrEmpty(UnsubscribeSecret)) problems.Add($"{UnsubscribeSecretSetting} is required when {SmtpOptions.HostSetting} is set: it signs the unsubscribe links (base64 of at least 32 random bytes).");
        if (string.IsNullOrWhiteSpace(ShopName)) problems.Add($"{ShopNameSetting} must not be empty.");
        return problems;
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment);
}
