using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Collector;

/// <summary>
/// CORS with credentials and the enforcement of <c>Collector:AllowedOrigins</c>, over real HTTP:
/// what a browser on another origin needs (<c>fetch</c> with <c>credentials: 'include'</c>,
/// <c>sendBeacon</c>), and what a page on an origin not listed gets.
/// </summary>
public sealed class CollectorCorsHttpTests
{
    private const string Shop = "https://shop.example";
    private const string Other = "https://other.example";

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/v1/batch");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }

    private static HttpRequestMessage Track(string anonymousId, string? origin = null, string? referer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/track")
        {
            Content = new StringContent($$"""{"anonymousId":"{{anonymousId}}","event":"Product Viewed"}""", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("journey-local:"u8.ToArray()));
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (referer is not null) request.Headers.Referrer = new Uri(referer);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static void AssertCredentialedCors(HttpResponseMessage response, string origin)
    {
        Assert.Equal(origin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("Origin", Header(response, "Vary") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenCollector_ReflectsAnyOrigin_WithCredentials_OnPreflightAndAnswer()
    {
        await using var app = await TestApp.StartAsync();

        using var preflight = await app.Client.SendAsync(Preflight(Other));
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        AssertCredentialedCors(preflight, Other);

        using var answer = await app.Client.SendAsync(Track("cors-open-1", origin: Other));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        AssertCredentialedCors(answer, Other);
        Assert.Contains("Journey-Hit", Header(answer, "Access-Control-Expose-Headers") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListedOrigins_AreReflected_WithCredentials_AndOthersGetNoCorsHeaders()
    {
        await using var app = await TestApp.StartAsync($"--Collector:AllowedOrigins={Shop}/, https://www.shop.example");

        using var preflight = await app.Client.SendAsync(Preflight(Shop));
        AssertCredentialedCors(preflight, Shop);
        using var answer = await app.Client.SendAsync(Track("cors-listed-1", origin: Shop));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        AssertCredentialedCors(answer, Shop);

        using var refusedPreflight = await app.Client.SendAsync(Preflight(Other));
        Assert.Null(Header(refusedPreflight, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ListedOrigins_RefuseOtherOrigins_ByOriginElseReferer_AndRecordNothing()
    {
        await using var app = await TestApp.StartAsync($"--Collector:AllowedOrigins={Shop}");

        using var byOrigin = await app.Client.SendAsync(Track("cors-refused-1", origin: Other));
        Assert.Equal(HttpStatusCode.Forbidden, byOrigin.StatusCode);
        var body = JsonDocument.Parse(await byOrigin.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("origin", body.GetProperty("field").GetString());
        var error = body.GetProperty("error").GetString()!;
        Assert.Contains(Other, error, StringComparison.Ordinal);
        Assert.Contains("Collector:AllowedOrigins", error, StringComparison.Ordinal);

        using var byReferer = await app.Client.SendAsync(Track("cors-refused-2", referer: $"{Other}/products/7?utm_source=x"));
        Assert.Equal(HttpStatusCode.Forbidden, byReferer.StatusCode);

        // The Origin header wins over the Referer: an allowed Origin with another Referer is accepted.
        using var originWins = await app.Client.SendAsync(Track("cors-allowed-origin", origin: Shop, referer: $"{Other}/x"));
        Assert.Equal(HttpStatusCode.OK, originWins.StatusCode);
        using var allowedReferer = await app.Client.SendAsync(Track("cors-allowed-referer", referer: $"{Shop}/cart"));
        Assert.Equal(HttpStatusCode.OK, allowedReferer.StatusCode);
        using var server = await app.Client.SendAsync(Track("cors-server-side"));
        Assert.Equal(HttpStatusCode.OK, server.StatusCode);

        // The pixel is refused by its Referer (an <img> sends no Origin), and so is the settings document.
        using var pixel = new HttpRequestMessage(HttpMethod.Get, "/i?k=journey-local&aid=cors-refused-3");
        pixel.Headers.Referrer = new Uri($"{Other}/newsletter");
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client.SendAsync(pixel)).StatusCode);
        using var settings = new HttpRequestMessage(HttpMethod.Get, "/v1/projects/journey-local/settings");
        settings.Headers.Add("Origin", Other);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client.SendAsync(settings)).StatusCode);

        await app.DrainAsync();
        foreach (var refused in new[] { "cors-refused-1", "cors-refused-2", "cors-refused-3" })
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/customers/{refused}")).StatusCode);
        foreach (var accepted in new[] { "cors-allowed-origin", "cors-allowed-referer", "cors-server-side" })
            Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/customers/{accepted}")).StatusCode);
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("", true)]
    [InlineData("https://shop.example, https://www.shop.example/", true)]
    [InlineData("http://localhost:5173", true)]
    [InlineData("shop.example", false)]
    [InlineData("https://shop.example/products", false)]
    [InlineData("ftp://shop.example", false)]
    public void AllowedOrigins_MustBeOrigins(string setting, bool valid)
    {
        var problems = new Functions.Collector.CollectorOptions { AllowedOrigins = setting }.Validate();
        Assert.Equal(valid, problems.Count == 0);
        Assert.All(problems, p => Assert.StartsWith("Collector:AllowedOrigins", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAllowedOriginThatIsNoOrigin_StopsTheAppAtStart()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestApp.StartAsync("--Collector:AllowedOrigins=shop.example"));
        Assert.Contains("'shop.example' is not an origin", ex.Message, StringComparison.Ordinal);
    }
}
