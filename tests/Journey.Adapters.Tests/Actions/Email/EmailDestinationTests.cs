using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Journey.Adapters.Actions.Email;
using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Testing;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using netDumbster.smtp;

namespace Journey.Adapters.Tests.Actions.Email;

/// <summary>The email destination against a real SMTP server (netDumbster) on 127.0.0.1.</summary>
public sealed class EmailDestinationTests : IDisposable
{
    private static readonly byte[] Secret = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
    private static readonly DateTimeOffset Now = new(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);

    private readonly SimpleSmtpServer _server = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly ListedActions _store = new();

    public void Dispose() => _server.Dispose();

    private static EmailOptions Options(int port, int cap = 2) => new()
    {
        Smtp = new SmtpOptions { Host = "127.0.0.1", Port = port, From = "Mugs & Co <shop@mugs.example>", Tls = SmtpTlsMode.Auto, Timeout = TimeSpan.FromSeconds(20) },
        PublicBaseUrl = "https://journey.mugs.example/",
        ShopName = "Mugs & Co",
        UnsubscribeSecret = Convert.ToBase64String(Secret),
        EmailsPerCustomerPerWeek = cap,
    };

    private EmailDestination Destination(int? port = null, int cap = 2) =>
        new(Options(port ?? _server.Configuration.Port, cap), _store, _clock, NullLogger<EmailDestination>.Instance);

    private static ActionDocument Action(string type = ActionTypes.CartAbandoned, string? email = "ada@example.com", bool optOut = false, string key = "cart-9") => new()
    {
        Id = ActionDocument.IdFor(type, "user-1", key),
        ActionType = type,
        CustomerId = "user-1",
        Trigger = new ActionTrigger { Key = key, At = Now, OrderId = "o-17", Reason = "Too slow", Items = [new ActionItem("p1", "Blue mug", 12.5m, 2)] },
        Customer = new ActionCustomer { Id = "user-1", Email = email, FirstName = "Ada", EmailOptOut = optOut },
        CreatedAt = Now,
        DueAt = Now,
    };

    private static ActionDocument SentEmail(string key, DateTimeOffset deliveredAt, string status = ActionStatuses.Sent)
    {
        var action = Action(ActionTypes.AtRisk, key: key);
        action.Deliveries[EmailDestination.DestinationName] = new DestinationDelivery { Status = status, Attempts = 1, DeliveredAt = deliveredAt };
        return action;
    }

    private MimeMessage SingleReceived()
    {
        var received = Assert.Single(_server.ReceivedEmail);
        using var raw = new MemoryStream(Encoding.UTF8.GetBytes(received.Data));
        return MimeMessage.Load(raw);
    }

    [Fact]
    public async Task Deliver_SendsTheTemplate_ToTheCustomer_WithTheUnsubscribeHeaders()
    {
        var action = Action();

        var outcome = await Destination().DeliverAsync(action, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Success, outcome);
        var message = SingleReceived();
        Assert.Equal("ada@example.com", Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("shop@mugs.example", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal("You left something in your cart at Mugs & Co", message.Subject);
        Assert.Contains("Hi Ada,", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("- Blue mug x 2 (12.50)", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<li>Blue mug x 2 (12.50)</li>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Mugs &amp; Co", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", message.TextBody + message.HtmlBody + message.Subject, StringComparison.Ordinal);

        var listUnsubscribe = message.Headers["List-Unsubscribe"];
        Assert.Matches("^<https://journey\\.mugs\\.example/unsubscribe\\?t=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+>$", listUnsubscribe);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        var url = listUnsubscribe![1..^1];
        Assert.Contains(url, message.TextBody, StringComparison.Ordinal);
        var token = url[(url.IndexOf("?t=", StringComparison.Ordinal) + 3)..];
        var check = new UnsubscribeToken(Secret).Verify(token);
        Assert.True(check.IsValid, check.Error);
        Assert.Equal("user-1", check.CustomerId);
        Assert.Equal(Now, check.IssuedAt);

        Assert.Equal(EmailDestination.MessageIdFor(action.Id, "mugs.example"), message.MessageId);
    }

    [Fact]
    public async Task MessageId_IsTheSameForEveryAttemptOfAnAction_AndDiffersBetweenActions()
    {
        var destination = Destination();
        await destination.DeliverAsync(Action(), CancellationToken.None);
        await destination.DeliverAsync(Action(), CancellationToken.None);
        await destination.DeliverAsync(Action(key: "cart-10"), CancellationToken.None);

        var ids = _server.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data))).MessageId).ToList();
        Assert.Equal(3, ids.Count);
        var first = EmailDestination.MessageIdFor(Action().Id, "mugs.example");
        Assert.Equal(2, ids.Count(id => id == first));
        Assert.Single(ids, EmailDestination.MessageIdFor(Action(key: "cart-10").Id, "mugs.example"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Deliver_WithoutAnEmail_IsSkipped(string? email)
    {
        var outcome = await Destination().DeliverAsync(Action(email: email), CancellationToken.None);

        Assert.True(outcome.Skipped);
        Assert.False(outcome.Delivered);
        Assert.False(outcome.Permanent);
        Assert.Contains("no email address", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(0, _server.ReceivedEmailCount);
    }

    [Fact]
    public async Task Deliver_ToACustomerWhoOptedOut_IsSkipped()
    {
        var outcome = await Destination().DeliverAsync(Action(optOut: true), CancellationToken.None);

        Assert.True(outcome.Skipped);
        Assert.Contains("opted out", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(0, _server.ReceivedEmailCount);
    }

    [Fact]
    public async Task Deliver_ConcurrentActionsOfOneCustomer_NeverPassTheCapTogether()
    {
        // The dispatcher runs several actions at once and records their deliveries only when each action is done:
        // the outbox says "none sent" to every one of them.
        var destination = Destination(cap: 2);
        var actions = Enumerable.Range(0, 8).Select(i => Action(key: $"cart-{i}")).ToList();

        var outcomes = await Task.WhenAll(actions.Select(a => Task.Run(() => destination.DeliverAsync(a, CancellationToken.None))));

        Assert.Equal(2, outcomes.Count(o => o.Delivered));
        Assert.Equal(6, outcomes.Count(o => o.Skipped && o.Error!.Contains("frequency cap: 2 emails", StringComparison.Ordinal)));
        Assert.Equal(2, _server.ReceivedEmailCount);

        // A week on, the window has room again.
        _clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal(DeliveryOutcome.Success, await destination.DeliverAsync(Action(key: "cart-next-week"), CancellationToken.None));
    }

    [Fact]
    public async Task Deliver_AFailedSend_FreesItsPlaceUnderTheCap()
    {
        var down = new EmailDestination(Options(ClosedPort(), cap: 1), _store, _clock, NullLogger<EmailDestination>.Instance);

        Assert.False((await down.DeliverAsync(Action(key: "cart-a"), CancellationToken.None)).Delivered);
        Assert.False((await down.DeliverAsync(Action(key: "cart-b"), CancellationToken.None)).Skipped);
    }

    [Fact]
    public async Task Deliver_AtTheFrequencyCap_IsSkipped()
    {
        _store.Actions.Add(SentEmail("a", Now.AddDays(-6.9)));
        _store.Actions.Add(SentEmail("b", Now.AddHours(-1)));

        var outcome = await Destination(cap: 2).DeliverAsync(Action(), CancellationToken.None);

        Assert.True(outcome.Skipped);
        Assert.Contains("frequency cap: 2 emails", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(0, _server.ReceivedEmailCount);
    }

    [Fact]
    public async Task Deliver_BelowTheCap_CountsOnlyEmailsSentInTheLast7Days()
    {
        _store.Actions.Add(SentEmail("old", Now.AddDays(-7)));
        _store.Actions.Add(SentEmail("failed", Now.AddHours(-2), ActionStatuses.Failed));
        _store.Actions.Add(SentEmail("skipped", Now.AddHours(-2), ActionStatuses.Skipped));
        _store.Actions.Add(SentEmail("recent", Now.AddHours(-1)));
        var action = Action();
        _store.Actions.Add(action);

        var outcome = await Destination(cap: 2).DeliverAsync(action, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Success, outcome);
        Assert.Equal(1, _server.ReceivedEmailCount);
    }

    [Fact]
    public async Task Deliver_WhenTheServerIsDown_IsRetried()
    {
        var outcome = await Destination(ClosedPort()).DeliverAsync(Action(), CancellationToken.None);

        Assert.False(outcome.Delivered);
        Assert.False(outcome.Permanent);
        Assert.False(outcome.Skipped);
        Assert.Contains("cannot reach the SMTP server", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_AMailboxTheServerRefusesWith550_IsGivenUp()
    {
        await using var server = new ScriptedSmtpServer("550 5.1.1 mailbox unavailable");

        var outcome = await Destination(server.Port).DeliverAsync(Action(), CancellationToken.None);

        Assert.True(outcome.Permanent);
        Assert.False(outcome.Delivered);
        Assert.Contains("SMTP 550", outcome.Error, StringComparison.Ordinal);
        Assert.Contains(server.Commands, c => c.StartsWith("RCPT TO:<ada@example.com>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deliver_AMailboxTheServerDefersWith451_IsRetried()
    {
        await using var server = new ScriptedSmtpServer("451 4.3.0 try again later");

        var outcome = await Destination(server.Port).DeliverAsync(Action(), CancellationToken.None);

        Assert.False(outcome.Permanent);
        Assert.False(outcome.Delivered);
        Assert.False(outcome.Skipped);
        Assert.Contains("SMTP 451", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_AnAddressThatIsNoAddress_IsGivenUpWithoutConnecting()
    {
        var outcome = await Destination().DeliverAsync(Action(email: "not an address"), CancellationToken.None);

        Assert.True(outcome.Permanent);
        Assert.Equal(0, _server.ReceivedEmailCount);
    }

    [Fact]
    public async Task Deliver_WhenTheStoreFails_IsRetriedNotThrown()
    {
        _store.Failure = new InvalidOperationException("store down");

        var outcome = await Destination().DeliverAsync(Action(), CancellationToken.None);

        Assert.False(outcome.Delivered || outcome.Permanent || outcome.Skipped);
        Assert.Contains("store down", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_EveryTypeWithATemplate_NotStageChanged()
    {
        var destination = Destination();

        Assert.Equal("email", destination.Name);
        Assert.All(EmailTemplates.Types, t => Assert.True(destination.Accepts(t)));
        Assert.False(destination.Accepts(ActionTypes.StageChanged));
        Assert.False(destination.Accepts("order.unknown"));
    }

    [Fact]
    public void Classify_5xxForTheMessageOrSenderGivesUp_Other5xxAnd4xxRetry()
    {
        Assert.True(SmtpOutcomes.Classify(new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxUnavailable, "no such user")).Permanent);
        Assert.True(SmtpOutcomes.Classify(new SmtpCommandException(SmtpErrorCode.SenderNotAccepted, SmtpStatusCode.MailboxNameNotAllowed, "bad sender")).Permanent);
        Assert.True(SmtpOutcomes.Classify(new SmtpCommandException(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.ExceededStorageAllocation, "too big")).Permanent);
        Assert.False(SmtpOutcomes.Classify(new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxBusy, "busy")).Permanent);
        Assert.False(SmtpOutcomes.Classify(new SmtpCommandException(SmtpErrorCode.UnexpectedStatusCode, SmtpStatusCode.AuthenticationRequired, "auth")).Permanent);
        Assert.False(SmtpOutcomes.Classify(new TimeoutException("slow")).Permanent);
        Assert.False(SmtpOutcomes.Classify(new SmtpProtocolException("garbled")).Permanent);
    }

    [Fact]
    public void Options_NameTheMissingSettings()
    {
        var options = new EmailOptions { Smtp = new SmtpOptions { Host = "smtp.example", From = "nope" }, UnsubscribeSecret = "c2hvcnQ=", EmailsPerCustomerPerWeek = 0 };

        var problems = string.Join("\n", options.Validate());

        Assert.Contains("Actions__Smtp__From must be an address", problems, StringComparison.Ordinal);
        Assert.Contains("Actions__PublicBaseUrl is required", problems, StringComparison.Ordinal);
        Assert.Contains("Actions__UnsubscribeSecret decodes to 5 bytes", problems, StringComparison.Ordinal);
        Assert.Contains("Actions__EmailsPerCustomerPerWeek must be at least 1", problems, StringComparison.Ordinal);
        Assert.Empty(Options(25).Validate());
        Assert.Empty(new EmailOptions().Validate());
        Assert.Throws<ArgumentException>(() => new EmailDestination(new EmailOptions(), _store, _clock, NullLogger<EmailDestination>.Instance));
    }

    /// <summary>A loopback port nothing listens on (taken and let go).</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The one read of the outbox the destination makes, over a list.</summary>
    private sealed class ListedActions : IActionStore
    {
        public List<ActionDocument> Actions { get; } = [];

        public Exception? Failure { get; set; }

        public Task<IReadOnlyList<ActionDocument>> ListByCustomerAsync(string customerId, CancellationToken cancellationToken) =>
            Failure is not null ? Task.FromException<IReadOnlyList<ActionDocument>>(Failure)
            : Task.FromResult<IReadOnlyList<ActionDocument>>([.. Actions.Where(a => a.CustomerId == customerId).OrderBy(a => a.CreatedAt)]);

        public Task<IReadOnlyList<ActionDocument>> AddAsync(IReadOnlyCollection<ActionDocument> actions, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<Versioned<ActionDocument>>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<string> ReplaceAsync(ActionDocument action, string ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<ActionDocument>> ListAsync(string? actionType, string? status, DateTimeOffset? since, int max, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DeleteCustomerAsync(string customerId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
