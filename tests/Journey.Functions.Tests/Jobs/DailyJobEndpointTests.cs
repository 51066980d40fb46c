using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Journey.Application.Metrics;
using Journey.Domain.Metrics;
using Journey.Functions.Hosting;
using Journey.Functions.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Functions.Tests.Jobs;

/// <summary>The daily job through the app: <c>POST /api/jobs/daily</c>, <c>GET /api/metrics/…</c>, the local schedule and the commands' argument errors.</summary>
public sealed class DailyJobEndpointTests : IAsyncLifetime
{
    /// <summary>The app's "now": its clock is fake, so "yesterday" does not depend on the day the tests run.</summary>
    private static readonly DateTimeOffset Now = new(2026, 4, 1, 9, 30, 0, TimeSpan.Zero);
    private const string Yesterday = "2026-03-31";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(new FakeTimeProvider(Now));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Daily_job_over_the_API_writes_the_metrics_once_and_the_customers_carry_their_predictions()
    {
        var before = await _app.Client.GetAsync("/api/metrics/latest");
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal("date", (await JsonAsync(before)).GetProperty("field").GetString());

        await SendOrdersAsync();
        await _app.DrainAsync();

        var first = await PostAsync($"/api/jobs/daily?date={Yesterday}");
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(Yesterday, first.Body.GetProperty("asOf").GetString());
        Assert.Equal(3, first.Body.GetProperty("customersCounted").GetInt32());
        Assert.Equal(MetricKinds.All.Count, first.Body.GetProperty("metricsWritten").GetInt32());
        Assert.Equal(3, first.Body.GetProperty("customersPatched").GetInt32());

        var latest = await _app.GetJsonAsync("/api/metrics/latest");
        Assert.Equal(MetricKinds.All, latest.EnumerateArray().Select(d => d.GetProperty("kind").GetString()));
        Assert.All(latest.EnumerateArray(), d => Assert.Equal(Yesterday, d.GetProperty("date").GetString()));
        var rates = Assert.Single((await _app.GetJsonAsync($"/api/metrics/{Yesterday}?kind=rates")).EnumerateArray()).GetProperty("data");
        Assert.Equal(4, rates.GetProperty("orders").GetInt32());
        Assert.Equal(170m, rates.GetProperty("revenue").GetDecimal());
        Assert.Equal(42.5m, rates.GetProperty("averageOrderValue").GetDecimal());

        var customer = await _app.GetJsonAsync("/api/customers/job-u1");
        var predictions = customer.GetProperty("predictions");
        Assert.Equal(Yesterday, predictions.GetProperty("asOf").GetString());
        Assert.Equal(85m, predictions.GetProperty("historicalClv").GetDecimal());

        var second = await PostAsync($"/api/jobs/daily?date={Yesterday}");
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal((0, MetricKinds.All.Count, 0), (second.Body.GetProperty("metricsWritten").GetInt32(), second.Body.GetProperty("metricsUnchanged").GetInt32(), second.Body.GetProperty("customersPatched").GetInt32()));
    }

    [Theory]
    [InlineData("/api/jobs/daily?date=2026-13-01", "date")]
    [InlineData("/api/jobs/daily?date=yesterday", "date")]
    [InlineData("/api/jobs/daily?date=2999-01-01", "date")]
    [InlineData("/api/jobs/daily?date=2026-04-02", "date")]
    public async Task A_bad_or_future_date_is_400_naming_the_field(string path, string field)
    {
        var (status, body) = await PostAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(field, body.GetProperty("field").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Metrics_of_a_bad_date_is_400_and_of_a_date_without_a_run_404()
    {
        var bad = await _app.Client.GetAsync("/api/metrics/30-11-2026");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("date", (await JsonAsync(bad)).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.GetAsync("/api/metrics/2001-01-01")).StatusCode);
    }

    [Fact]
    public async Task The_local_schedule_computes_yesterday_once_the_stream_is_drained()
    {
        var clock = new FakeTimeProvider(Now);
        var startDelay = TimeSpan.FromMilliseconds(100);
        await using var app = await TestApp.StartAsync(clock, "--DailyJob:RunInBackground=true", $"--DailyJob:StartDelay={startDelay}");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpResponseMessage response;
        do
        {
            // The schedule's start delay passes on the app's clock (a few seconds at most in all, the same day).
            clock.Advance(startDelay);
            await Task.Delay(200);
            response = await app.Client.GetAsync($"/api/metrics/{Yesterday}?kind=rates");
        }
        while (response.StatusCode == HttpStatusCode.NotFound && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("daily", "--date", "2026-02-30")]
    [InlineData("daily", "--kind", "rates")]
    [InlineData("daily", "--bogus")]
    [InlineData("daily", "--since", "2026-02-30")]
    [InlineData("daily", "--since", "2026-03-10", "--until", "2026-03-01")]
    [InlineData("daily", "--since", "2026-03-01", "--every", "0")]
    [InlineData("daily", "--since", "2026-03-01", "--every", "week")]
    [InlineData("daily", "--until", "2026-03-01")]
    [InlineData("daily", "--date", "2026-03-01", "--since", "2026-02-01")]
    [InlineData("daily", "--since", "2000-01-01", "--until", "2026-03-01")]
    [InlineData("metrics", "--kind", "rfm", "--matrix")]
    [InlineData("metrics", "--date")]
    public async Task Bad_command_arguments_exit_2(params string[] args)
    {
        var data = Path.Combine(Path.GetTempPath(), "journey-args-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(Commands.BadInput, await Commands.RunAsync(CommandLine.Parse([.. args, "--data", data])));
    }

    private async Task SendOrdersAsync()
    {
        var day = Now.UtcDateTime.Date.AddDays(-20);
        string At(int days) => day.AddDays(days).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var batch = $$$"""
            {"batch":[
              {"type":"track","userId":"job-u1","event":"Order Completed","timestamp":"{{{At(0)}}}","properties":{"order_id":"J1","revenue":40}},
              {"type":"track","userId":"job-u1","event":"Order Completed","timestamp":"{{{At(5)}}}","properties":{"order_id":"J2","revenue":45}},
              {"type":"track","userId":"job-u2","event":"Order Completed","timestamp":"{{{At(2)}}}","properties":{"order_id":"J3","revenue":60}},
              {"type":"track","userId":"job-u3","event":"Order Completed","timestamp":"{{{At(3)}}}","properties":{"order_id":"J4","revenue":25}}
            ]}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new StringContent(batch, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("journey-local:"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.SendAsync(request)).StatusCode);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path)
    {
        var response = await _app.Client.PostAsync(path, content: null);
        return (response.StatusCode, await JsonAsync(response));
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
