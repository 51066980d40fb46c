using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Journey.Domain.Actions;
using Journey.Functions.Tests.Support;
using Journey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using netDumbster.smtp;

namespace Journey.Functions.Tests.Actions;

/// <summary>
/// Tried as a new user would, through the real app set up by its settings: a webhook receiver and an SMTP server
/// (netDumbster) on 127.0.0.1, a customer identified with an email and a first name, a cancelled order with a reason
/// and products. One signed webhook (delivered again after the receiver first answers 500) and one email with every
/// placeholder filled; a replayed batch gives neither again; the unsubscribe link of the email, followed as a mail
/// client would, stops the emails (also of an action made before the unsubscribe, and after a later identify that
/// says nothing about email) while the webhooks go on.
/// </summary>
public sealed partial class EmailAndWebhookEndToEndTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private const string WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string UserId = "mail-u1";

    private readonly SimpleSmtpServer _smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly ConcurrentQueue<(Dictionary<string, string> Headers, byte[] Body, int Answer)> _hooks = new();
    private int _failuresLeft = 1;

    public void Dispose() => _smtp.Dispose();

    [Fact]
    public async Task CancelledOrder_OneSignedWebhookAfterA500_OneEmail_ReplayNothing_UnsubscribeStopsTheEmailsOnly()
    {
        Assert.False(Holdout.IsHeldOut(ActionTypes.OrderCancelled, UserId, 0.1), "the test's customer must be in the treated group");
        await using var receiver = await LoopbackServer.StartAsync(app => app.MapPost("/hook", ReceiveAsync));
        // The unsubscribe link must reach the app itself: its public address is the loopback port it will listen on.
        var port = FreePort();
        var publicBaseUrl = $"http://127.0.0.1:{port}";
        await using var app = await TestApp.StartAsync(
            _clock,
            $"--urls={publicBaseUrl}",
            $"--Actions:WebhookUrl={LoopbackServer.Address(receiver)}/hook",
            $"--Actions:WebhookSecret={WebhookSecret}",
            "--Actions:Smtp:Host=127.0.0.1",
            $"--Actions:Smtp:Port={_smtp.Configuration.Port}",
            "--Actions:Smtp:From=Mugs & Co <shop@mugs.example>",
            $"--Actions:PublicBaseUrl={publicBaseUrl}",
            "--Actions:ShopName=Mugs & Co",
            $"--Actions:UnsubscribeSecret={Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray())}");
        Assert.Equal(publicBaseUrl, app.BaseAddress.ToString().TrimEnd('/'));

        // 1. The order is cancelled: the webhook answers 500 first, the email goes out at once.
        var batch = $$$"""
            {"batch":[
              {"type":"identify","userId":"{{{UserId}}}","messageId":"mail-i1","timestamp":"{{{At(-10)}}}","traits":{"email":"ada@example.com","firstName":"Ada"}},
              {"type":"track","userId":"{{{UserId}}}","event":"Order Cancelled","messageId":"mail-x1","timestamp":"{{{At(-5)}}}","properties":{"order_id":"A-1","revenue":42.5,"reason":"Took too long to ship","products":[{"product_id":"p1","name":"Blue mug","price":12.5,"quantity":2},{"product_id":"p2","name":"Teapot <large>","price":17.5,"quantity":1}]}}
            ]}
            """;
        await SendAsync(app, "/v1/batch", batch);
        await app.DrainAsync();
        Assert.Equal("Actions: 0 sent, 0 failed, 1 to retry, 0 held out.", await TickAsync(app));
        Assert.Equal(1, _smtp.ReceivedEmailCount);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("Actions: 1 sent, 0 failed, 0 to retry, 0 held out.", await TickAsync(app));

        var cancels = Cancels("A-1");
        Assert.Equal([500, 200], cancels.Select(c => c.Answer));
        Assert.Equal(cancels[0].Headers["webhook-id"], cancels[1].Headers["webhook-id"]);
        foreach (var (headers, body, _) in cancels) Assert.Null(IndependentWebhookVerifier.Problem(WebhookSecret, headers, body, _clock.GetUtcNow()));
        var trigger = JsonDocument.Parse(cancels[1].Body).RootElement.GetProperty("data").GetProperty("trigger");
        Assert.Equal("Took too long to ship", trigger.GetProperty("reason").GetString());
        Assert.Equal(2, trigger.GetProperty("items").GetArrayLength());

        var email = Assert.Single(Received());
        Assert.Equal("ada@example.com", Assert.Single(email.To.Mailboxes).Address);
        Assert.Equal("Ada", Assert.Single(email.To.Mailboxes).Name);
        Assert.Equal("shop@mugs.example", Assert.Single(email.From.Mailboxes).Address);
        Assert.Equal("Could you tell us why you cancelled order A-1?", email.Subject);
        foreach (var part in new[] { email.TextBody, email.HtmlBody })
        {
            Assert.Contains("Hi Ada,", part, StringComparison.Ordinal);
            Assert.Contains("A-1", part, StringComparison.Ordinal);
            Assert.Contains("Took too long to ship", part, StringComparison.Ordinal);
            Assert.Contains("Blue mug x 2 (12.50)", part, StringComparison.Ordinal);
            Assert.DoesNotContain("{{", part, StringComparison.Ordinal);
        }
        Assert.Contains("Teapot <large>", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("Teapot &lt;large&gt;", email.HtmlBody, StringComparison.Ordinal);
        var link = UnsubscribeLink(email.TextBody);
        Assert.StartsWith(publicBaseUrl + "/unsubscribe?t=", link, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(link), email.HtmlBody, StringComparison.Ordinal);
        Assert.Equal($"<{link}>", email.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", email.Headers["List-Unsubscribe-Post"]);
        var sent = await ActionAsync(app, "A-1");
        Assert.Equal("sent", sent.GetProperty("deliveries").GetProperty("email").GetProperty("status").GetString());
        Assert.Equal(1, sent.GetProperty("deliveries").GetProperty("email").GetProperty("attempts").GetInt32());

        // 2. The same batch again: no new webhook, no new email.
        var hooksBefore = _hooks.Count;
        await SendAsync(app, "/v1/batch", batch);
        await app.DrainAsync();
        _clock.Advance(TimeSpan.FromHours(1));
        await TickAsync(app);
        Assert.Equal(hooksBefore, _hooks.Count);
        Assert.Equal(1, _smtp.ReceivedEmailCount);

        // 3. Another order is cancelled; before the Actions timer comes round, the person follows the link.
        var cancel2 = Cancel("A-2", "mail-x2", 0);
        await SendAsync(app, "/v1/track", cancel2);
        await app.DrainAsync();
        using var client = new HttpClient(); // a mail client: the link as it stands, nothing of the test's app client
        var page = await client.GetAsync(new Uri(link));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Do you want to stop getting emails from Mugs &amp; Co?", html, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\"", html, StringComparison.Ordinal);
        using var oneClick = new StringContent("List-Unsubscribe=One-Click", Encoding.ASCII, "application/x-www-form-urlencoded");
        var unsubscribed = await client.PostAsync(new Uri(link), oneClick); // RFC 8058: a POST to the List-Unsubscribe address
        Assert.Equal(HttpStatusCode.OK, unsubscribed.StatusCode);
        Assert.Contains("You are unsubscribed", await unsubscribed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await app.DrainAsync();
        Assert.True(EmailOptOut.IsSet((await app.GetJsonAsync($"/api/customers/{UserId}")).GetProperty("traits")));

        // The action was made before the opt-out, with the customer as it was then; it is not mailed now.
        Assert.False((await ActionAsync(app, "A-2")).GetProperty("customer").GetProperty("emailOptOut").GetBoolean());
        Assert.Equal("Actions: 1 sent, 0 failed, 0 to retry, 0 held out.", await TickAsync(app));
        await AssertWebhookButNoEmailAsync(app, "A-2");

        // 4. Later the shop identifies the person again without a word about email, and a third order is cancelled.
        _clock.Advance(TimeSpan.FromMinutes(10));
        var identify2 = $$$"""{"userId":"{{{UserId}}}","messageId":"mail-i2","timestamp":"{{{At(0)}}}","traits":{"email":"ada@example.com","firstName":"Ada","plan":"gold"}}""";
        await SendAsync(app, "/v1/identify", identify2);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var cancel3 = Cancel("A-3", "mail-x3", 0);
        await SendAsync(app, "/v1/track", cancel3);
        await app.DrainAsync();
        var traits = (await app.GetJsonAsync($"/api/customers/{UserId}")).GetProperty("traits");
        Assert.Equal("gold", traits.GetProperty("plan").GetString());
        Assert.True(EmailOptOut.IsSet(traits), traits.GetRawText());
        Assert.True((await ActionAsync(app, "A-3")).GetProperty("customer").GetProperty("emailOptOut").GetBoolean());
        Assert.Equal("Actions: 1 sent, 0 failed, 0 to retry, 0 held out.", await TickAsync(app));
        await AssertWebhookButNoEmailAsync(app, "A-3");
        Assert.Equal(1, _smtp.ReceivedEmailCount);

        // 5. Everything the shop sent, sent again in one batch (a shop replaying its history): nothing new.
        hooksBefore = _hooks.Count;
        var everything = batch.TrimEnd()[..^2].TrimEnd() + "," + string.Join(",", Typed("track", cancel2), Typed("identify", identify2), Typed("track", cancel3)) + "]}";
        Assert.Equal(5, JsonDocument.Parse(everything).RootElement.GetProperty("batch").GetArrayLength());
        await SendAsync(app, "/v1/batch", everything);
        await app.DrainAsync();
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal("Actions: 0 sent, 0 failed, 0 to retry, 0 held out.", await TickAsync(app));
        Assert.Equal(hooksBefore, _hooks.Count);
        Assert.Equal(1, _smtp.ReceivedEmailCount);
        Assert.Equal(3, (await app.GetJsonAsync($"/api/customers/{UserId}/actions")).EnumerateArray().Count(a => a.GetProperty("actionType").GetString() == ActionTypes.OrderCancelled));
    }

    private static string Typed(string type, string message) => $"{{\"type\":\"{type}\",{message.TrimStart()[1..]}";

    private async Task AssertWebhookButNoEmailAsync(TestApp app, string orderId)
    {
        var hook = Assert.Single(Cancels(orderId));
        Assert.Equal(200, hook.Answer);
        Assert.Null(IndependentWebhookVerifier.Problem(WebhookSecret, hook.Headers, hook.Body, _clock.GetUtcNow()));
        Assert.Equal(1, _smtp.ReceivedEmailCount);
        var email = (await ActionAsync(app, orderId)).GetProperty("deliveries").GetProperty("email");
        Assert.Equal("skipped", email.GetProperty("status").GetString());
        Assert.Equal("the customer opted out of email", email.GetProperty("lastError").GetString());
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        // The first delivery of a cancelled order fails; everything else (the stage changes, say) is taken.
        var isCancel = Encoding.UTF8.GetString(body).Contains("\"order.cancelled\"", StringComparison.Ordinal);
        var answer = isCancel && Interlocked.Decrement(ref _failuresLeft) >= 0 ? 500 : 200;
        _hooks.Enqueue((context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, answer));
        context.Response.StatusCode = answer;
    }

    private List<(Dictionary<string, string> Headers, byte[] Body, int Answer)> Cancels(string orderId) =>
    [
        .. _hooks.Where(h =>
        {
            var root = JsonDocument.Parse(h.Body).RootElement;
            return root.GetProperty("type").GetString() == ActionTypes.OrderCancelled && root.GetProperty("data").GetProperty("trigger").GetProperty("orderId").GetString() == orderId;
        }),
    ];

    private List<MimeMessage> Received() => [.. _smtp.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data))))];

    private static async Task<JsonElement> ActionAsync(TestApp app, string orderId) =>
        (await app.GetJsonAsync($"/api/customers/{UserId}/actions")).EnumerateArray()
            .Single(a => a.GetProperty("actionType").GetString() == ActionTypes.OrderCancelled && a.GetProperty("trigger").GetProperty("orderId").GetString() == orderId);

    private string At(int minutes) => _clock.GetUtcNow().AddMinutes(minutes).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private string Cancel(string orderId, string messageId, int minutes) =>
        $$$"""{"userId":"{{{UserId}}}","event":"Order Cancelled","messageId":"{{{messageId}}}","timestamp":"{{{At(minutes)}}}","properties":{"order_id":"{{{orderId}}}","reason":"Ordered by mistake","products":[{"product_id":"p1","name":"Blue mug","price":12.5,"quantity":1}]}}""";

    /// <summary>One run of the <c>Actions</c> timer, invoked as the Functions host does; returns its log line.</summary>
    private static async Task<string?> TickAsync(TestApp app)
    {
        var tick = await app.Client.PostAsync("/Actions", new StringContent("""{"Data":{"timer":{}},"Metadata":{}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, tick.StatusCode);
        return JsonDocument.Parse(await tick.Content.ReadAsStringAsync()).RootElement.GetProperty("logs")[0].GetString();
    }

    private static async Task SendAsync(TestApp app, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("journey-local:"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(request)).StatusCode);
    }

    private static string UnsubscribeLink(string? text) => UnsubscribeUrl().Match(text ?? "") is { Success: true } m ? m.Value : throw new Xunit.Sdk.XunitException($"no unsubscribe link in:\n{text}");

    [GeneratedRegex(@"https?://\S+/unsubscribe\?t=[A-Za-z0-9\-_.%]+")]
    private static partial Regex UnsubscribeUrl();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
