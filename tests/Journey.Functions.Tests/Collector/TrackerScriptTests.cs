using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Collector;

/// <summary>
/// <c>GET /journey.js</c>: served with its content type and ETag, and run as a page runs it (Node
/// with the browser APIs it uses turned into real HTTP requests, tests/node/run-journey-js.mjs):
/// what it sends lands on the visitor, credited to the UTM channel.
/// </summary>
public sealed class TrackerScriptTests : IAsyncLifetime
{
    private const string Shop = "https://shop.example";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync($"--Collector:AllowedOrigins={Shop}");

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Script_IsServed_AsJavaScript_WithAnETag_AndCaching()
    {
        using var response = await _app.Client.GetAsync("/journey.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        Assert.Equal("public, max-age=3600", response.Headers.CacheControl!.ToString());
        var etag = response.Headers.ETag!;
        Assert.False(etag.IsWeak);
        var script = await response.Content.ReadAsByteArrayAsync();
        Assert.InRange(script.Length, 1024, 8 * 1024);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/journey.js");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await _app.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/journey.js");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"old\""));
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.SendAsync(stale)).StatusCode);
    }

    private async Task<(List<JsonElement> Requests, string AnonymousId, string Cookie)> RunAsync(string pageUrl, string referrer, string calls, params string[] flags)
    {
        string[] arguments = [_app.BaseAddress.ToString().TrimEnd('/'), pageUrl, referrer, "Spring sale – Shop", calls, .. flags];
        var stdout = await NodeScript.RunAsync("run-journey-js.mjs", arguments);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var last = lines[^1];
        return (lines[..^1], last.GetProperty("anonymousId").GetString()!, last.GetProperty("cookie").GetString()!);
    }

    [Fact]
    public async Task Beacons_PageTrackIdentify_LandOnTheCustomer_CreditedToTheNewsletter()
    {
        var (requests, anonymousId, cookie) = await RunAsync(
            $"{Shop}/products/7?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
            "https://mail.example/inbox",
            """[["track","Product Viewed",{"product_id":"7","price":42.5}],["identify","js-user",{"email":"js-user@example.com"}],["track","Order Completed",{"order_id":"JS1","revenue":42.5}]]""");

        Assert.Equal(["/v1/page", "/v1/track", "/v1/identify", "/v1/track"], requests.Select(r => new Uri(r.GetProperty("url").GetString()!).AbsolutePath));
        Assert.All(requests, r =>
        {
            Assert.Equal(200, r.GetProperty("status").GetInt32());
            Assert.Equal("text/plain;charset=utf-8", r.GetProperty("contentType").GetString()); // a Blob lowercases its type
        });
        var page = JsonDocument.Parse(requests[0].GetProperty("body").GetString()!).RootElement;
        Assert.Equal("Spring sale – Shop", page.GetProperty("properties").GetProperty("title").GetString());
        Assert.Equal("spring", page.GetProperty("context").GetProperty("campaign").GetProperty("name").GetString());
        Assert.Contains($"journey_aid={anonymousId}", cookie, StringComparison.Ordinal);

        await _app.DrainAsync();
        var customer = await _app.GetJsonAsync("/api/customers/js-user");
        Assert.Contains(anonymousId, customer.GetProperty("anonymousIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("js-user@example.com", customer.GetProperty("traits").GetProperty("email").GetString());
        var acquisition = customer.GetProperty("acquisition");
        Assert.Equal("email", acquisition.GetProperty("channel").GetString());
        Assert.Equal("spring", acquisition.GetProperty("campaign").GetString());
        Assert.Equal("Conversion", customer.GetProperty("stage").GetString());
    }

    [Fact]
    public async Task WithoutSendBeacon_PageViewsAndEvents_GoThroughThePixel_WithTheFullUrl()
    {
        var (requests, anonymousId, _) = await RunAsync(
            $"{Shop}/landing?utm_source=google&utm_medium=cpc&utm_campaign=brand",
            "https://www.google.com/",
            """[["track","Product Viewed",{"product_id":"9"}]]""",
            "--no-beacon");

        Assert.Equal(2, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("GET", r.GetProperty("method").GetString());
            Assert.Equal(200, r.GetProperty("status").GetInt32());
            Assert.Equal("/i", new Uri(r.GetProperty("url").GetString()!).AbsolutePath);
        });
        Assert.Contains("e=Product%20Viewed", requests[1].GetProperty("url").GetString(), StringComparison.Ordinal);

        await _app.DrainAsync();
        var customer = await _app.GetJsonAsync($"/api/customers/{anonymousId}");
        var acquisition = customer.GetProperty("acquisition");
        Assert.Equal("paid search", acquisition.GetProperty("channel").GetString());
        Assert.Equal("brand", acquisition.GetProperty("campaign").GetString());
        Assert.StartsWith($"{Shop}/landing", acquisition.GetProperty("landingPage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromAnOriginNotAllowed_ItsRequestsAreRefused_AndNothingLands()
    {
        var (requests, anonymousId, _) = await RunAsync("https://copycat.example/?utm_source=x&utm_medium=email", "", """[["track","Product Viewed",{}]]""");

        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(403, r.GetProperty("status").GetInt32()));
        await _app.DrainAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.GetAsync($"/api/customers/{anonymousId}")).StatusCode);
    }

    private static string AnonymousIdSent(JsonElement request) =>
        JsonDocument.Parse(request.GetProperty("body").GetString()!).RootElement.GetProperty("anonymousId").GetString()!;

    [Fact]
    public async Task ReturningVisitor_KeepsTheAnonymousId_FromTheCookie_ElseFromLocalStorage()
    {
        var (fromCookie, id, cookie) = await RunAsync($"{Shop}/", "", "[]", "--cookie=journey_aid=returning-cookie", "--stored=journey_aid=stale");
        Assert.Equal("returning-cookie", id);
        Assert.Equal("returning-cookie", AnonymousIdSent(fromCookie.Single()));
        Assert.Contains("journey_aid=returning-cookie", cookie, StringComparison.Ordinal);

        var (fromStorage, storedId, noCookie) = await RunAsync($"{Shop}/", "", "[]", "--no-cookies", "--stored=journey_aid=returning-storage");
        Assert.Equal("returning-storage", storedId);
        Assert.Equal("returning-storage", AnonymousIdSent(fromStorage.Single()));
        Assert.Equal("", noCookie);

        await _app.DrainAsync();
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.GetAsync("/api/customers/returning-cookie")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.GetAsync("/api/customers/returning-storage")).StatusCode);
    }

    [Fact]
    public async Task CallsQueuedBeforeTheScriptLoaded_AreReplayed_AfterThePageView()
    {
        var (requests, _, _) = await RunAsync($"{Shop}/", "", "[]", """--queued=[["identify","queued-user",{"plan":"pro"}],["track","Signed Up",{"method":"email"}]]""");

        Assert.Equal(["/v1/page", "/v1/identify", "/v1/track"], requests.Select(r => new Uri(r.GetProperty("url").GetString()!).AbsolutePath));
        var track = JsonDocument.Parse(requests[2].GetProperty("body").GetString()!).RootElement;
        Assert.Equal("queued-user", track.GetProperty("userId").GetString());
        Assert.Equal("Signed Up", track.GetProperty("event").GetString());
        await _app.DrainAsync();
        Assert.Equal("pro", (await _app.GetJsonAsync("/api/customers/queued-user")).GetProperty("traits").GetProperty("plan").GetString());
    }
}
