using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Dashboard;

/// <summary>The dashboard page as served (one response, a CSP that admits exactly its inline code) and the customer lookup route.</summary>
public sealed class DashboardEndpointTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/")]
    [InlineData("/dashboard")]
    public async Task ThePage_IsOneResponse_WithItsScriptsInline_AndACspThatAdmitsOnlyThem(string path)
    {
        using var response = await _app.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("{{", html, StringComparison.Ordinal); // every asset was inlined
        Assert.DoesNotContain("<script src", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link rel=\"stylesheet\"", html, StringComparison.Ordinal);

        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Equal(Hash(Between(html, "<script>", "</script>")), Directive(policy, "script-src"));
        Assert.Equal(Hash(Between(html, "<style>", "</style>")), Directive(policy, "style-src"));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task TheLookup_ShowsIdentityStagesSessionsFeedbackAndActions_ByAnyId()
    {
        const string batch = """
            {"batch":[
              {"type":"page","anonymousId":"a7","name":"Home","context":{"page":{"url":"https://shop.example/?utm_source=newsletter&utm_medium=email"}},"timestamp":"2026-03-01T10:00:00Z"},
              {"type":"track","anonymousId":"a7","event":"Product Viewed","properties":{"product_id":"p1"},"timestamp":"2026-03-01T10:01:00Z"},
              {"type":"identify","userId":"u7","anonymousId":"a7","traits":{"email":"u7@example.com"},"timestamp":"2026-03-01T10:02:00Z"},
              {"type":"track","userId":"u7","event":"Product Added","properties":{"product_id":"p1","price":30},"timestamp":"2026-03-03T18:00:00Z"},
              {"type":"track","userId":"u7","event":"Order Completed","properties":{"order_id":"O7","revenue":30},"timestamp":"2026-03-03T18:05:00Z"},
              {"type":"track","userId":"u7","event":"Product Reviewed","properties":{"product_id":"p1","rating":2,"review_body":"The seams came apart after one wash."},"timestamp":"2026-03-20T09:00:00Z"}
            ]}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new StringContent(batch, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("journey-local:"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.SendAsync(request)).StatusCode);
        await _app.DrainAsync();

        var view = await _app.GetJsonAsync("/api/customers/a7/view");

        var customer = view.GetProperty("customer");
        Assert.Equal("u7", customer.GetProperty("id").GetString());
        Assert.Equal("email", customer.GetProperty("acquisition").GetProperty("channel").GetString());
        Assert.False(customer.GetProperty("journey").TryGetProperty("timeline", out var timeline) && timeline.GetArrayLength() > 0, "the processor's timeline is shown as sessions, not as state");
        Assert.Equal(["None>Awareness", "Awareness>Consideration", "Consideration>Conversion"],
            view.GetProperty("transitions").EnumerateArray().OrderBy(t => t.GetProperty("at").GetString(), StringComparer.Ordinal)
                .Select(t => $"{t.GetProperty("from").GetString()}>{t.GetProperty("to").GetString()}"));

        // Three visits (1 March, 3 March, 20 March), newest first; the identify stays in the first visit.
        var sessions = view.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(3, view.GetProperty("sessionsHeld").GetInt32());
        Assert.Equal(["2026-03-20", "2026-03-03", "2026-03-01"], sessions.Select(s => s.GetProperty("start").GetString()![..10]));
        Assert.Equal(["Page Viewed", "Product Viewed", "Identified"], sessions[2].GetProperty("events").EnumerateArray().Select(e => e.GetProperty("n").GetString()));
        Assert.Equal("email", sessions[2].GetProperty("channel").GetString());

        var feedback = Assert.Single(view.GetProperty("feedback").EnumerateArray());
        Assert.Equal("review", feedback.GetProperty("kind").GetString());
        Assert.Contains("seams", feedback.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.False(feedback.TryGetProperty("embedding", out _));
        Assert.Equal(JsonValueKind.Array, view.GetProperty("actions").ValueKind);
    }

    [Fact]
    public async Task TheLookup_OfAnUnknownId_Is404WithJson()
    {
        using var response = await _app.Client.GetAsync("/api/customers/nobody/view");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("id", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
    }

    private static string Between(string text, string open, string close)
    {
        var start = text.IndexOf(open, StringComparison.Ordinal) + open.Length;
        return text[start..text.IndexOf(close, start, StringComparison.Ordinal)];
    }

    private static string Directive(string policy, string name) =>
        policy.Split(';', StringSplitOptions.TrimEntries).Single(d => d.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..].Trim('\'');

    private static string Hash(string text) => "sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
