using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Journey.Functions.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Functions.Tests.Jobs;

/// <summary>The series over time: <c>GET /api/metrics/series</c> and <c>GET /api/rates/periods</c>.</summary>
public sealed class MetricsSeriesEndpointTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 4, 1, 9, 30, 0, TimeSpan.Zero);
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(new FakeTimeProvider(Now));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Series_and_rate_periods_come_from_the_daily_documents_of_each_date()
    {
        // Week 1 (to 03-08): u1 orders 40; week 2 (to 03-15): u2 orders 60 and u1 45; week 3 (to 03-22): nothing.
        await SendAsync(
            Order("s-u1", "2026-03-05T10:00:00Z", "S1", 40),
            Order("s-u2", "2026-03-10T10:00:00Z", "S2", 60),
            Order("s-u1", "2026-03-12T10:00:00Z", "S3", 45));
        await _app.DrainAsync();
        foreach (var date in new[] { "2026-03-01", "2026-03-08", "2026-03-15", "2026-03-22" })
            Assert.Equal(HttpStatusCode.OK, (await _app.Client.PostAsync($"/api/jobs/daily?date={date}", content: null)).StatusCode);

        var series = await _app.GetJsonAsync("/api/metrics/series?kind=rates&since=2026-03-02&until=2026-03-22");
        Assert.Equal(["2026-03-08", "2026-03-15", "2026-03-22"], series.EnumerateArray().Select(d => d.GetProperty("date").GetString()));
        Assert.Equal([1, 3, 3], series.EnumerateArray().Select(d => d.GetProperty("data").GetProperty("orders").GetInt32()));
        Assert.Equal(4, (await _app.GetJsonAsync("/api/metrics/series?kind=clv")).GetArrayLength()); // default: the year up to today

        var points = (await _app.GetJsonAsync("/api/rates/periods?since=2026-03-01&until=2026-03-31")).GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(
            [("2026-03-01", "2026-03-08"), ("2026-03-08", "2026-03-15"), ("2026-03-15", "2026-03-22")],
            points.Select(p => (p.GetProperty("from").GetString(), p.GetProperty("until").GetString())));
        Assert.Equal([1, 2, 0], points.Select(p => p.GetProperty("orders").GetInt32()));
        Assert.Equal([40m, 105m, 0m], points.Select(p => p.GetProperty("revenue").GetDecimal()));
        Assert.Equal(52.5m, points[1].GetProperty("averageOrderValue").GetDecimal());
        Assert.Equal((1, 1, 100.0), (points[1].GetProperty("newCustomers").GetInt32(), points[1].GetProperty("newBuyers").GetInt32(), points[1].GetProperty("conversionRate").GetDouble()));
        Assert.False(points[2].TryGetProperty("averageOrderValue", out _)); // no orders: no AOV (null, left out)
        Assert.All(points, p => Assert.False(p.GetProperty("restated").GetBoolean()));

        var none = await _app.GetJsonAsync("/api/rates/periods?since=2026-03-09&until=2026-03-20");
        Assert.Empty(none.GetProperty("points").EnumerateArray()); // one document in the range: no period
    }

    [Theory]
    [InlineData("/api/metrics/series", "kind")]
    [InlineData("/api/metrics/series?kind=nope", "kind")]
    [InlineData("/api/metrics/series?kind=rates&since=2026-02-30", "since")]
    [InlineData("/api/metrics/series?kind=rates&until=01-03-2026", "until")]
    [InlineData("/api/metrics/series?kind=rates&since=2026-03-02&until=2026-03-01", "since")]
    [InlineData("/api/metrics/series?kind=rates&since=2000-01-01&until=2026-03-01", "since")]
    [InlineData("/api/rates/periods?since=yesterday", "since")]
    [InlineData("/api/rates/periods?until=2026-13-01", "until")]
    [InlineData("/api/rates/periods?since=2026-04-01&until=2026-03-01", "since")]
    public async Task A_bad_kind_date_or_range_is_400_naming_the_field(string path, string field)
    {
        var response = await _app.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(field, body.GetProperty("field").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
    }

    private static string Order(string user, string at, string orderId, int revenue) =>
        $$$"""{"type":"track","userId":"{{{user}}}","event":"Order Completed","timestamp":"{{{at}}}","properties":{"order_id":"{{{orderId}}}","revenue":{{{revenue}}}}}""";

    private async Task SendAsync(params string[] messages)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch")
        {
            Content = new StringContent($$"""{"batch":[{{string.Join(',', messages)}}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("journey-local:"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.SendAsync(request)).StatusCode);
    }
}

public sealed class DailyBackfillTests
{
    [Fact]
    public void HistoryDates_CountBackFromUntil_EveryNDays_DownToSince()
    {
        var dates = Journey.Functions.Jobs.DailyJobRunner.HistoryDates(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 20), 7);

        Assert.Equal([new DateOnly(2026, 1, 6), new DateOnly(2026, 1, 13), new DateOnly(2026, 1, 20)], dates);
        Assert.Equal([new DateOnly(2026, 1, 20)], Journey.Functions.Jobs.DailyJobRunner.HistoryDates(new DateOnly(2026, 1, 20), new DateOnly(2026, 1, 20), 7));
        Assert.Equal(3, Journey.Functions.Jobs.DailyJobRunner.HistoryDates(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 3), 1).Count);
    }

    [Fact]
    public async Task The_daily_command_backfills_the_metrics_of_every_seventh_day()
    {
        var data = Path.Combine(Path.GetTempPath(), "journey-backfill-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(Journey.Functions.Hosting.Commands.Success, await Journey.Functions.Hosting.Commands.RunAsync(Journey.Functions.Hosting.CommandLine.Parse(
                ["daily", "--since", "2026-01-01", "--until", "2026-01-29", "--every", "7", "--data", data])));
            foreach (var date in new[] { "2026-01-01", "2026-01-08", "2026-01-15", "2026-01-22", "2026-01-29" })
                Assert.Equal(Journey.Functions.Hosting.Commands.Success, await Journey.Functions.Hosting.Commands.RunAsync(Journey.Functions.Hosting.CommandLine.Parse(["metrics", "--date", date, "--kind", "rates", "--data", data])));
            Assert.NotEqual(Journey.Functions.Hosting.Commands.Success, await Journey.Functions.Hosting.Commands.RunAsync(Journey.Functions.Hosting.CommandLine.Parse(["metrics", "--date", "2026-01-09", "--kind", "rates", "--data", data])));
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }
}
