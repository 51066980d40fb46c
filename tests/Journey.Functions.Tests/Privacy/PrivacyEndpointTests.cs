using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Journey.Functions.Tests.Deployment;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Privacy;

/// <summary>
/// <c>DELETE /api/customers/{id}</c> and <c>GET /api/customers/{id}/export</c> through the real app (SQLite, the
/// embedded stream, the collector): the admin key, the answers' JSON, erasure by any id, a second erasure,
/// and the person's later events dropped and counted in <c>/health</c>.
/// </summary>
public sealed class PrivacyEndpointTests : IAsyncLifetime
{
    private const string AdminKey = "privacy-test-admin-key";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync($"--Admin:ApiKey={AdminKey}");

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task SendAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("journey-local:")));
        var response = await _app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task BuildPersonAsync(string userId, string anonymousId, string email)
    {
        await SendAsync("/v1/page", $$$"""{"anonymousId":"{{{anonymousId}}}","name":"Home","properties":{"path":"/"}}""");
        await SendAsync("/v1/identify", $$$"""{"userId":"{{{userId}}}","anonymousId":"{{{anonymousId}}}","traits":{"email":"{{{email}}}","firstName":"Ada"}}""");
        await SendAsync("/v1/track", $$$"""{"userId":"{{{userId}}}","event":"Product Reviewed","properties":{"product_id":"p-1","rating":2,"text":"The handle came off on the first day"}}""");
        await _app.DrainAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> CallAsync(HttpMethod method, string path, string? key = AdminKey)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Add("x-functions-key", key);
        var response = await _app.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    private static void AssertError(JsonElement body, string field)
    {
        Assert.Equal(field, body.GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Both_routes_need_the_admin_key()
    {
        await BuildPersonAsync("priv-u0", "priv-a0", "zoe@example.com");
        foreach (var (method, path) in new[] { (HttpMethod.Delete, "/api/customers/priv-u0"), (HttpMethod.Get, "/api/customers/priv-u0/export") })
        {
            var (status, body, _) = await CallAsync(method, path, key: null);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            AssertError(body, "x-functions-key");
            (status, body, _) = await CallAsync(method, path, key: "wrong");
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            AssertError(body, "x-functions-key");
        }
        // nothing was erased
        var (found, _, _) = await CallAsync(HttpMethod.Get, "/api/customers/priv-u0");
        Assert.Equal(HttpStatusCode.OK, found);
    }

    [Fact]
    public async Task Unknown_and_impossible_ids_answer_json_errors()
    {
        foreach (var method in new[] { HttpMethod.Delete, HttpMethod.Get })
        {
            var suffix = method == HttpMethod.Get ? "/export" : "";
            var (status, body, _) = await CallAsync(method, "/api/customers/nobody-here" + suffix);
            Assert.Equal(HttpStatusCode.NotFound, status);
            AssertError(body, "id");
            (status, body, _) = await CallAsync(method, "/api/customers/a%23b" + suffix);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            AssertError(body, "id");
            (status, body, _) = await CallAsync(method, $"/api/customers/{new string('x', 1100)}{suffix}");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            AssertError(body, "id");
        }
    }

    [Fact]
    public async Task Export_then_erase_by_an_anonymous_id_then_later_events_are_dropped()
    {
        await BuildPersonAsync("priv-u1", "priv-a1", "ada@example.com");
        await BuildPersonAsync("priv-u2", "priv-a2", "bea@example.com");

        var (status, export, response) = await CallAsync(HttpMethod.Get, "/api/customers/priv-a1/export");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("priv-u1", export.GetProperty("customerId").GetString());
        Assert.Equal("ada@example.com", export.GetProperty("email").GetString());
        Assert.Equal("Ada", export.GetProperty("customer").GetProperty("traits").GetProperty("firstName").GetString());
        Assert.Equal("review", export.GetProperty("feedback")[0].GetProperty("kind").GetString());
        Assert.NotEqual(0, export.GetProperty("transitions").GetArrayLength());
        Assert.False(export.GetProperty("suppression").GetProperty("suppressed").GetBoolean());

        JsonElement erased;
        (status, erased, _) = await CallAsync(HttpMethod.Delete, "/api/customers/priv-a1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("priv-a1", erased.GetProperty("id").GetString());
        var counts = erased.GetProperty("erased");
        Assert.True(counts.GetProperty("customers").GetInt32() >= 1);
        Assert.Equal(export.GetProperty("transitions").GetArrayLength(), counts.GetProperty("transitions").GetInt32());
        Assert.Equal(1, counts.GetProperty("feedback").GetInt32());
        Assert.Equal(0, counts.GetProperty("actions").GetInt32());
        Assert.Equal(0, counts.GetProperty("predictions").GetInt32());
        Assert.Equal(0, counts.GetProperty("deadletter").GetInt32());
        Assert.Equal(0, counts.GetProperty("painpointQuotes").GetInt32());
        Assert.Equal(3, erased.GetProperty("suppressions").GetInt32());

        // gone by every id; a second erasure is a 404
        foreach (var id in new[] { "priv-u1", "priv-a1" })
        {
            var (gone, body, _) = await CallAsync(HttpMethod.Get, "/api/customers/" + id);
            Assert.Equal(HttpStatusCode.NotFound, gone);
            AssertError(body, "id");
        }
        var (again, againBody, _) = await CallAsync(HttpMethod.Delete, "/api/customers/priv-u1");
        Assert.Equal(HttpStatusCode.NotFound, again);
        AssertError(againBody, "id");

        // the person comes back: accepted by the collector, dropped by the processor, counted
        await SendAsync("/v1/track", """{"userId":"priv-u1","event":"Product Viewed","properties":{"product_id":"p-2"}}""");
        await SendAsync("/v1/page", """{"anonymousId":"priv-a1","name":"Home","properties":{"path":"/"}}""");
        await SendAsync("/v1/identify", """{"userId":"priv-new","anonymousId":"priv-a9","traits":{"email":"ADA@example.com"}}""");
        await SendAsync("/v1/page", """{"anonymousId":"priv-a2","name":"Home","properties":{"path":"/again"}}""");
        await _app.DrainAsync();
        foreach (var id in new[] { "priv-u1", "priv-a1", "priv-new", "priv-a9" })
            Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(HttpMethod.Get, "/api/customers/" + id)).Status);
        var (otherStatus, other, _) = await CallAsync(HttpMethod.Get, "/api/customers/priv-a2");
        Assert.Equal(HttpStatusCode.OK, otherStatus);
        Assert.Equal("priv-u2", other.GetProperty("id").GetString());
        Assert.Equal(2L, other.GetProperty("counters").GetProperty("Page Viewed").GetInt64());
        var health = await _app.GetJsonAsync("/health");
        Assert.Equal(3, health.GetProperty("suppression").GetProperty("entries").GetInt32());
        Assert.Equal(3, health.GetProperty("suppression").GetProperty("eventsDropped").GetInt64());
    }

    [Fact]
    public void The_azure_admin_function_proxies_delete_and_the_export_route()
    {
        var path = Path.Combine(RepoPaths.Root, "functions", "Journey.Functions", "FunctionApp", "Admin", "function.json");
        var trigger = JsonNode.Parse(File.ReadAllText(path))!["bindings"]!.AsArray().Single(b => (string?)b!["type"] == "httpTrigger")!;
        Assert.Contains("delete", trigger["methods"]!.AsArray().Select(m => (string?)m));
        Assert.Contains("get", trigger["methods"]!.AsArray().Select(m => (string?)m));
        Assert.Equal("api/{*path}", (string?)trigger["route"]);
        Assert.Equal("function", (string?)trigger["authLevel"]);
    }
}
