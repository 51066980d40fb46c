using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Journey.Application.Actions;
using Journey.Functions.Tests.Support;
using Journey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Functions.Tests.Actions;

/// <summary>
/// Tried as a new user would: a webhook receiver on loopback, a cancelled order sent to the collector,
/// one signed webhook (delivered again by the <c>Actions</c> timer after the receiver first answers 500), and a
/// replayed batch that produces nothing again.
/// </summary>
public sealed class ActionsEndToEndTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Fact]
    public async Task ACancelledOrder_GivesOneSignedWebhook_RetriedAfter500_AndAReplayGivesNoneAgain()
    {
        var received = new ConcurrentQueue<(IHeaderDictionary Headers, string Body, int Answer)>();
        var failuresLeft = 1;
        await using var receiver = await LoopbackServer.StartAsync(app => app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            // The first delivery of the cancelled order fails; everything else (stage changes, say) is taken.
            var answer = body.Contains("\"order.cancelled\"", StringComparison.Ordinal) && Interlocked.Decrement(ref failuresLeft) >= 0 ? 500 : 200;
            received.Enqueue((new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value)), body, answer));
            context.Response.StatusCode = answer;
        }));
        var hook = LoopbackServer.Address(receiver) + "/hook";

        var clock = new FakeTimeProvider(Now);
        await using var app = await TestApp.StartAsync(clock, $"--Actions:WebhookUrl={hook}", $"--Actions:WebhookSecret={Secret}");
        var dispatcher = app.Services.GetRequiredService<ActionDispatcher>();
        var batch = $$$"""
            {"batch":[
              {"type":"identify","userId":"act-u1","messageId":"act-i1","timestamp":"{{{At(-10)}}}","traits":{"email":"ada@example.com","firstName":"Ada"}},
              {"type":"track","userId":"act-u1","event":"Order Cancelled","messageId":"act-x1","timestamp":"{{{At(-5)}}}","properties":{"order_id":"A-1","revenue":30,"reason":"Took too long to ship"}}
            ]}
            """;
        await SendAsync(app, batch);
        await app.DrainAsync();

        await dispatcher.DispatchDueAsync(CancellationToken.None); // the receiver answers 500
        clock.Advance(TimeSpan.FromMinutes(1));
        // delivered again (200) by the Actions timer, as the Functions host invokes it
        var tick = await app.Client.PostAsync("/Actions", new StringContent("""{"Data":{"timer":{}},"Metadata":{}}""", Encoding.UTF8, "application/json"));
        var logs = JsonDocument.Parse(await tick.Content.ReadAsStringAsync()).RootElement.GetProperty("logs")[0].GetString();
        Assert.Equal(HttpStatusCode.OK, tick.StatusCode);
        Assert.Equal("Actions: 1 sent, 0 failed, 0 to retry, 0 held out.", logs);

        var cancels = received.Where(r => r.Body.Contains("\"order.cancelled\"", StringComparison.Ordinal)).ToList();
        Assert.Equal([500, 200], cancels.Select(c => c.Answer));
        Assert.Equal(cancels[0].Headers["webhook-id"].ToString(), cancels[1].Headers["webhook-id"].ToString());
        foreach (var (headers, body, _) in cancels) Assert.True(SignatureHolds(headers, body), $"bad signature on {body}");
        var data = JsonDocument.Parse(cancels[1].Body).RootElement.GetProperty("data");
        Assert.Equal("Took too long to ship", data.GetProperty("trigger").GetProperty("reason").GetString());
        Assert.Equal("ada@example.com", data.GetProperty("customer").GetProperty("email").GetString());

        var actions = await app.GetJsonAsync("/api/customers/act-u1/actions");
        var cancel = actions.EnumerateArray().Single(a => a.GetProperty("actionType").GetString() == "order.cancelled");
        Assert.Equal("sent", cancel.GetProperty("status").GetString());
        Assert.Equal(2, cancel.GetProperty("attempts").GetInt32());
        var listed = await app.GetJsonAsync("/api/actions?type=order.cancelled&status=sent");
        Assert.Single(listed.EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client.GetAsync("/api/actions?type=order.forgotten")).StatusCode);

        // The same batch again: nothing new to deliver.
        var before = received.Count;
        await SendAsync(app, batch);
        await app.DrainAsync();
        clock.Advance(TimeSpan.FromHours(1));
        await dispatcher.DispatchDueAsync(CancellationToken.None);
        Assert.Equal(before, received.Count);
    }

    private static string At(int minutes) => Now.AddMinutes(minutes).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task SendAsync(TestApp app, string batch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new StringContent(batch, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("journey-local:"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(request)).StatusCode);
    }

    /// <summary>The Standard Webhooks check, written apart from the app's signer: HMAC-SHA256 of "id.timestamp.body" under the base64 secret.</summary>
    private static bool SignatureHolds(IHeaderDictionary headers, string body)
    {
        var key = Convert.FromBase64String(Secret["whsec_".Length..]);
        var signed = $"{headers["webhook-id"]}.{headers["webhook-timestamp"]}.{body}";
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(signed)));
        return headers["webhook-signature"].ToString().Split(' ').Any(s => s == $"v1,{expected}");
    }
}
