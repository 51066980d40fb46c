using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Journey.Domain.Actions;
using Journey.Domain.Ports;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Journey.Adapters.Actions.Email;

/// <summary>
/// The <c>email</c> destination: the action type's template (<see cref="EmailTemplates"/>) sent over SMTP with MailKit to
/// the customer's email trait, with a signed unsubscribe link in the body and the <c>List-Unsubscribe</c> and
/// <c>List-Unsubscribe-Post</c> headers (RFC 8058 one-click). Skipped on purpose, never retried: no address, the customer
/// opted out, or
/// <see cref="EmailOptions.EmailsPerCustomerPerWeek"/> emails already went out in the last 7 days. The customer is
/// as the dispatcher's release check found it just before delivery (<see cref="ActionRelease"/>: the current
/// document, merges followed), so an action made before an unsubscribe and due after it is not mailed, and an
/// erased customer's action never reaches a destination. The
/// <c>Message-ID</c> comes from the action id, so a receiver can recognise a second delivery of the same action.
/// Outcomes: accepted → delivered; connection failures, timeouts and 4xx replies → retried; a 5xx reply refusing the
/// recipient, the sender or the message → given up.
/// <para>The frequency cap counts the emails the outbox records as sent plus those this instance sent or is sending and
/// the outbox does not record yet (the dispatcher writes an action back only when all its destinations are done, and runs
/// several actions at once): a customer's count and its reservation are taken under a lock, so concurrent deliveries
/// in one process never pass the cap together. Two dispatcher processes at the same moment could (in Azure the
/// <c>Actions</c> timer runs on one instance at a time, so only a run that outlives its schedule overlaps another).</para>
/// </summary>
public sealed class EmailDestination : IActionDestination
{
    /// <summary>The destination's name: the key of <see cref="ActionDocument.Deliveries"/>.</summary>
    public const string DestinationName = "email";

    private static readonly TimeSpan CapWindow = TimeSpan.FromDays(7);

    private readonly EmailOptions _options;
    private readonly IActionStore _actions;
    private readonly TimeProvider _clock;
    private readonly ILogger<EmailDestination> _logger;
    private readonly UnsubscribeToken _tokens;
    private readonly MailboxAddress _from;
    private readonly EmailCapLedger _ledger = new(CapWindow);

    public EmailDestination(EmailOptions options, IActionStore actions, TimeProvider clock, ILogger<EmailDestination> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (!options.IsConfigured) throw new ArgumentException($"{SmtpOptions.HostSetting} is not set: there is no SMTP server to send through.", nameof(options));
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));
        _options = options;
        _actions = actions;
        _clock = clock;
        _logger = logger;
        _tokens = UnsubscribeToken.FromBase64Secret(options.UnsubscribeSecret!);
        _from = MailboxAddress.Parse(options.Smtp.From!);
    }

    public string Name => DestinationName;

    public bool Accepts(string actionType) => EmailTemplates.Has(actionType);

    public async Task<DeliveryOutcome> DeliverAsync(ActionDocument action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (!Accepts(action.ActionType)) return Skip(action, $"there is no email template for {action.ActionType}");
        if (action.Customer.EmailOptOut) return Skip(action, "the customer opted out of email");
        var email = action.Customer.Email?.Trim();
        if (string.IsNullOrEmpty(email)) return Skip(action, "the customer has no email address");
        if (!MailboxAddress.TryParse(email, out var to) || to.Address.IndexOf('@', StringComparison.Ordinal) <= 0)
            return GiveUp(action, null, $"'{email}' is not an email address");

        var reserved = false;
        try
        {
            var sent = await _ledger.TryReserveAsync(action, SentInWindowAsync, _options.EmailsPerCustomerPerWeek, _clock.GetUtcNow(), cancellationToken);
            if (sent is { } count)
                return Skip(action, $"frequency cap: {count} emails in the last 7 days (Actions__EmailsPerCustomerPerWeek is {_options.EmailsPerCustomerPerWeek})");
            reserved = true;

            using var message = Compose(action, new MailboxAddress(action.Customer.FirstName?.Trim() ?? "", to.Address));
            await SendAsync(message, cancellationToken);
            _ledger.Confirm(action, _clock.GetUtcNow());
            reserved = false;
            _logger.Sent(action.Id, action.ActionType);
            return DeliveryOutcome.Success;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var outcome = SmtpOutcomes.Classify(ex);
            if (outcome.Permanent) _logger.GaveUp(ex, action.Id, action.ActionType, outcome.Error!);
            else _logger.WillRetry(ex, action.Id, action.ActionType, outcome.Error!);
            return outcome;
        }
        finally
        {
            if (reserved) _ledger.Release(action);
        }
    }

    /// <summary>The message of an action, as sent (without connecting): for the tests and the curious.</summary>
    internal MimeMessage Compose(ActionDocument action, MailboxAddress to)
    {
        var token = _tokens.Sign(action.CustomerId, _clock.GetUtcNow());
        var unsubscribeUrl = _options.UnsubscribeUrl(token);
        var rendered = EmailTemplates.Render(action, _options.ShopName, unsubscribeUrl);
        var message = new MimeMessage();
        message.From.Add(_from);
        message.To.Add(to);
        message.Subject = rendered.Subject;
        message.Date = _clock.GetUtcNow();
        message.MessageId = MessageIdFor(action.Id, _from.Domain);
        message.Headers.Add("List-Unsubscribe", $"<{unsubscribeUrl}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Body = new BodyBuilder { HtmlBody = rendered.HtmlBody, TextBody = rendered.TextBody }.ToMessageBody();
        return message;
    }

    /// <summary>The Message-ID of an action's email: a hash of the action id at the sender's domain (the same for every attempt).</summary>
    public static string MessageIdFor(string actionId, string domain)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(actionId)).AsSpan(0, 16));
        return string.Create(CultureInfo.InvariantCulture, $"action.{hash}@{(string.IsNullOrEmpty(domain) ? "journey.local" : domain)}");
    }

    /// <summary>The ids of the customer's other actions the outbox records as emailed in the last 7 days.</summary>
    private async Task<IReadOnlyCollection<string>> SentInWindowAsync(ActionDocument action, CancellationToken cancellationToken)
    {
        var since = _clock.GetUtcNow() - CapWindow;
        var actions = await _actions.ListByCustomerAsync(action.CustomerId, cancellationToken);
        return [.. actions.Where(a =>
            a.Id != action.Id
            && a.Deliveries.TryGetValue(DestinationName, out var delivery)
            && delivery.Status == ActionStatuses.Sent
            && delivery.DeliveredAt is { } at && at > since).Select(a => a.Id)];
    }

    private async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var smtp = _options.Smtp;
        using var client = new SmtpClient { Timeout = checked((int)smtp.Timeout.TotalMilliseconds) };
        await client.ConnectAsync(smtp.Host!, smtp.Port, SecureSocketOptionsFor(smtp.Tls), cancellationToken);
        if (!string.IsNullOrEmpty(smtp.User)) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, CancellationToken.None);
    }

    internal static SecureSocketOptions SecureSocketOptionsFor(SmtpTlsMode mode) => mode switch
    {
        SmtpTlsMode.StartTls => SecureSocketOptions.StartTls,
        SmtpTlsMode.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpTlsMode.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };

    private DeliveryOutcome Skip(ActionDocument action, string reason)
    {
        _logger.Skipped(action.Id, action.ActionType, reason);
        return DeliveryOutcome.Skip(reason);
    }

    private DeliveryOutcome GiveUp(ActionDocument action, Exception? ex, string error)
    {
        _logger.GaveUp(ex ?? new FormatException(error), action.Id, action.ActionType, error);
        return DeliveryOutcome.GiveUp(error);
    }
}

/// <summary>What a failure to send means for the action: try again later, or give up.</summary>
public static class SmtpOutcomes
{
    /// <summary>
    /// A 5xx reply that refuses the recipient (550 mailbox unavailable, 553), the sender or the message (552, 554) is
    /// permanent: <see cref="DeliveryOutcome.GiveUp"/>. Everything else (4xx replies, other 5xx replies such as a refused
    /// login, connection failures, timeouts, TLS or protocol errors) may pass: <see cref="DeliveryOutcome.Retry"/>.
    /// </summary>
    public static DeliveryOutcome Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case SmtpCommandException command:
                var code = (int)command.StatusCode;
                var error = string.Create(CultureInfo.InvariantCulture, $"SMTP {code} ({command.ErrorCode}): {command.Message}");
                return code >= 500 && command.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.SenderNotAccepted or SmtpErrorCode.MessageNotAccepted
                    ? DeliveryOutcome.GiveUp(error)
                    : DeliveryOutcome.Retry(error);
            case SocketException socket:
                return DeliveryOutcome.Retry($"cannot reach the SMTP server ({socket.SocketErrorCode}): {socket.Message}");
            case OperationCanceledException or TimeoutException:
                return DeliveryOutcome.Retry($"the SMTP server did not answer in time: {exception.Message}");
            case AuthenticationException:
                return DeliveryOutcome.Retry($"the SMTP server refused the login (check {SmtpOptions.UserSetting} and {SmtpOptions.PasswordSetting}): {exception.Message}");
            default:
                return DeliveryOutcome.Retry($"{exception.GetType().Name}: {exception.Message}");
        }
    }
}
