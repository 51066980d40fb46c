using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Collector;

/// <summary>Bots stay out of journeys but are visible: a <c>Journey-Hit</c> header on the answer and counts per reason in <c>/health</c>.</summary>
public sealed class CollectorBotHttpTests
{
    private const string HeadlessChrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36";
    private const string Chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private static async Task<HttpResponseMessage> PixelAsync(TestApp app, string anonymousId, string userAgent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/i?k=journey-local&aid={anonymousId}&e=Product%20Viewed");
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        return await app.Client.SendAsync(request);
    }

    [Fact]
    public async Task BotHits_AreAnswered200_WithAHeader_CountedPerReasonInHealth_AndKeptOutOfJourneys()
    {
        await using var app = await TestApp.StartAsync();

        using var headless = await PixelAsync(app, "bot-headless", HeadlessChrome);
        Assert.Equal(HttpStatusCode.OK, headless.StatusCode);
        Assert.Equal("bot; reason=\"headless\"", headless.Headers.GetValues("Journey-Hit").Single());

        using var batch = new HttpRequestMessage(HttpMethod.Post, "/v1/batch")
        {
            Content = new StringContent("""
                {"batch":[
                  {"type":"page","anonymousId":"bot-google","context":{"userAgent":"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}},
                  {"type":"page","anonymousId":"bot-curl","context":{"userAgent":"curl/8.5.0"}},
                  {"type":"page","anonymousId":"person-1","context":{"userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36"}}]}
                """, Encoding.UTF8, "application/json"),
        };
        batch.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("journey-local:"u8.ToArray()));
        using var batchAnswer = await app.Client.SendAsync(batch);
        Assert.Equal(HttpStatusCode.OK, batchAnswer.StatusCode);
        Assert.Equal("bot; reason=\"bot\"; bots=2; events=3", batchAnswer.Headers.GetValues("Journey-Hit").Single());

        using var person = await PixelAsync(app, "person-2", Chrome);
        Assert.Equal(HttpStatusCode.OK, person.StatusCode);
        Assert.False(person.Headers.Contains("Journey-Hit"));

        var bots = (await app.GetJsonAsync("/health")).GetProperty("bots");
        Assert.Equal(3, bots.GetProperty("total").GetInt64());
        var byReason = bots.GetProperty("byReason").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["bot"] = 1, ["curl"] = 1, ["headless"] = 1 }, byReason);

        await app.DrainAsync();
        foreach (var bot in new[] { "bot-headless", "bot-google", "bot-curl" })
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/customers/{bot}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/api/customers/person-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/api/customers/person-2")).StatusCode);
    }
}
