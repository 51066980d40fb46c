using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Journey.Domain.Actions;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Actions;

/// <summary>The unsubscribe link of the emails, through the real app: the page, the opt-out recorded as a trait, bad tokens.</summary>
public sealed class UnsubscribeEndpointTests : IAsyncLifetime
{
    private static readonly byte[] Secret = Enumerable.Range(40, 32).Select(i => (byte)i).ToArray();
    private static readonly UnsubscribeToken Tokens = new(Secret);
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync($"--Actions:UnsubscribeSecret={Convert.ToBase64String(Secret)}", "--Actions:PublicBaseUrl=https://journey.mugs.example", "--Actions:ShopName=Mugs & Co");

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string Token(string customerId) => Tokens.Sign(customerId, new DateTimeOffset(2026, 3, 14, 9, 0, 0, TimeSpan.Zero));

    private async Task IdentifyAsync(string userId, string email)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/identify")
        {
            Content = new StringContent($$$"""{"userId":"{{{userId}}}","traits":{"email":"{{{email}}}","firstName":"Ada"}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("journey-local:")));
        var response = await _app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _app.DrainAsync();
    }

    private async Task<JsonElement> TraitsAsync(string id) => (await _app.GetJsonAsync($"/api/customers/{id}")).GetProperty("traits");

    private static async Task AssertBadTokenAsync(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("t", body.GetProperty("field").GetString());
        Assert.Contains(reason, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ShowsAButton_AndChangesNothing()
    {
        await IdentifyAsync("u-get", "ada@example.com");
        var token = Token("u-get");

        var response = await _app.Client.GetAsync($"/unsubscribe?t={token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<form method=\"post\" action=\"/unsubscribe?t={token}\">", page, StringComparison.Ordinal);
        Assert.Contains("Mugs &amp; Co", page, StringComparison.Ordinal);
        await _app.DrainAsync();
        Assert.False((await TraitsAsync("u-get")).TryGetProperty("email_opt_out", out _));
    }

    [Fact]
    public async Task Post_RecordsTheOptOutTrait_AndKeepsTheOtherTraits()
    {
        await IdentifyAsync("u-post", "ada@example.com");

        using var form = new FormUrlEncodedContent([]);
        var response = await _app.Client.PostAsync($"/unsubscribe?t={Token("u-post")}", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("You are unsubscribed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await _app.DrainAsync();
        var traits = await TraitsAsync("u-post");
        Assert.True(traits.GetProperty("email_opt_out").GetBoolean());
        Assert.True(traits.GetProperty("unsubscribed").GetBoolean());
        Assert.Equal("ada@example.com", traits.GetProperty("email").GetString());
        Assert.Equal("Ada", traits.GetProperty("firstName").GetString());
        Assert.True(EmailOptOut.IsSet(traits));
    }

    [Fact]
    public async Task OneClickPost_Rfc8058_RecordsTheOptOut()
    {
        await IdentifyAsync("u-oneclick", "bob@example.com");

        using var body = new StringContent("List-Unsubscribe=One-Click", Encoding.ASCII, "application/x-www-form-urlencoded");
        var response = await _app.Client.PostAsync($"/unsubscribe?t={Token("u-oneclick")}", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _app.DrainAsync();
        Assert.True((await TraitsAsync("u-oneclick")).GetProperty("email_opt_out").GetBoolean());
    }

    [Fact]
    public async Task BadTokens_Are400_NamingT_AndRecordNothing()
    {
        await IdentifyAsync("u-bad", "eve@example.com");
        var token = Token("u-bad");
        var foreign = new UnsubscribeToken(new byte[32]).Sign("u-bad", DateTimeOffset.UnixEpoch);

        await AssertBadTokenAsync(await _app.Client.GetAsync("/unsubscribe"), "missing");
        await AssertBadTokenAsync(await _app.Client.GetAsync("/unsubscribe?t=garbage"), "malformed");
        using var empty = new FormUrlEncodedContent([]);
        await AssertBadTokenAsync(await _app.Client.PostAsync($"/unsubscribe?t={token[..^2]}AA", empty), "signature");
        await AssertBadTokenAsync(await _app.Client.PostAsync($"/unsubscribe?t={foreign}", empty), "not issued by this shop");

        await _app.DrainAsync();
        Assert.False((await TraitsAsync("u-bad")).TryGetProperty("email_opt_out", out _));
    }
}

/// <summary>Without <c>Actions:UnsubscribeSecret</c> there are no links to follow.</summary>
public sealed class UnsubscribeWithoutSecretTests
{
    [Fact]
    public async Task Unsubscribe_IsNotFound_NamingTheSetting()
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.Client.GetAsync("/unsubscribe?t=abc.def");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Actions__UnsubscribeSecret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
