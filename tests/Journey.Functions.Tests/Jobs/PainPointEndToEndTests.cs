using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Journey.Adapters.Store.Sqlite;
using Journey.Functions.Hosting;
using Journey.Functions.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Journey.Functions.Tests.Jobs;

/// <summary>
/// Pain points through the app as a user runs it: reviews and cancel reasons with planted personal data
/// sent to the collector, applied by the processor, summarized by <c>POST /api/jobs/painpoints</c>, read by
/// <c>GET /api/painpoints/latest</c>, then by the <c>painpoints</c> command with <c>--assignments</c>.
/// </summary>
public sealed class PainPointEndToEndTests
{
    private static readonly string[][] Topics =
    [
        ["The dress runs small, I had to return it for a bigger size", "Sizing is way off, runs two sizes small", "Too small and tight across the chest, order a size up",
         "Runs very small, the medium fits like an extra small", "I am usually a small and this was tight, it runs small", "Small fit, could not zip it up, runs small"],
        ["The parcel arrived two weeks late", "Delivery was very late and tracking never updated", "Shipping took forever, the package came late",
         "Late delivery, I needed it for a wedding", "My order was delayed again, slow shipping", "It took three weeks to arrive, far too slow delivery"],
        ["The fabric is thin and see-through", "Cheap thin material that pilled after one wash", "Very thin fabric, you can see through it",
         "The material feels cheap and flimsy", "Thin, scratchy fabric, poor quality", "Fabric quality is poor, it is thin and cheap"],
    ];

    /// <summary>Personal data planted in the texts; none of it may be stored with feedback, printed, logged or written to the assignments.</summary>
    private static readonly string[] Planted =
    [
        "ada.lovelace@example.com", "Lovelace", "+44 20 7946 0958", "7946 0958", "4111 1111 1111 1111", "4111111111111111",
        "GB82 WEST 1234 5698 7654 32", "abc123secret",
    ];

    /// <summary>What is planted where: the first text of each topic carries one kind.</summary>
    private static readonly string[] Plants =
    [
        " Call me on +44 20 7946 0958 or write to ada.lovelace@example.com. - Ada Lovelace",
        " I paid with 4111 1111 1111 1111, refund to GB82 WEST 1234 5698 7654 32.",
        " See https://shop.example/orders/42?token=abc123secret for the order.",
    ];

    [Fact]
    public async Task ReviewsWithPlantedPii_BecomePainPoints_AndNoPiiIsStoredPrintedLoggedOrWritten()
    {
        var data = Path.Combine(Path.GetTempPath(), "journey-painpoints-" + Guid.NewGuid().ToString("N"));
        var environment = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Debug", ["Summarizer__RunInBackground"] = "false" };
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        try
        {
            string latest;
            string output;
            await using (var app = await AppProcess.StartAsync(data, environment: environment))
            {
                using var http = new HttpClient { BaseAddress = app.BaseAddress };
                Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/painpoints/latest")).StatusCode);
                await SendAsync(http, Batch(today));
                await WaitForNoLagAsync(http);

                var bad = await http.PostAsync("/api/jobs/painpoints?since=2026-13-01", content: null);
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
                Assert.Equal("since", JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());

                var run = await http.PostAsync($"/api/jobs/painpoints?since={Day(today.AddDays(-29))}&until={Day(today)}", content: null);
                var body = JsonDocument.Parse(await run.Content.ReadAsStringAsync()).RootElement;
                Assert.True(run.StatusCode == HttpStatusCode.OK, body.ToString());
                Assert.Equal(21, body.GetProperty("negativeTexts").GetInt32()); // 18 reviews rated 1-2 and 3 cancel reasons; the 5-star review is not one
                Assert.Equal("minilm", body.GetProperty("method").GetString());
                latest = await http.GetStringAsync("/api/painpoints/latest");
                output = app.Output;
            }

            var documents = JsonDocument.Parse(latest).RootElement.EnumerateArray().ToList();
            var named = documents.Where(d => !d.GetProperty("isOther").GetBoolean()).ToList();
            Assert.True(named.Count >= 2, latest);
            Assert.Equal(21, documents.Sum(d => d.GetProperty("texts").GetInt32()));
            Assert.All(named, d =>
            {
                Assert.False(string.IsNullOrWhiteSpace(d.GetProperty("label").GetString()));
                Assert.InRange(d.GetProperty("quotes").GetArrayLength(), 1, 3);
                Assert.True(d.GetProperty("customers").GetInt32() >= 1);
            });
            Assert.Contains("[email]", latest + ReadFeedbackTexts(data), StringComparison.Ordinal);

            // The command over the same store: the same period, its JSON on stdout, the assignments file.
            var assignments = Path.Combine(data, "assignments.csv");
            var (exit, stdout, stderr) = await RunCommandAsync(["painpoints", "--since", Day(today.AddDays(-29)), "--until", Day(today), "--assignments", assignments, "--data", data]);
            Assert.True(exit == Commands.Success, stderr);
            Assert.Equal(21, JsonDocument.Parse(stdout).RootElement.EnumerateArray().Sum(d => d.GetProperty("texts").GetInt32()));
            Assert.Contains("0 embedded now", stderr, StringComparison.Ordinal); // every text's embedding was kept by the API's run
            var csv = await File.ReadAllLinesAsync(assignments);
            Assert.StartsWith("id,time,kind,rating,score,stage,product,category,cluster,label,title,text", csv[0], StringComparison.Ordinal);
            Assert.Equal(22, csv.Length);

            var feedbackTexts = ReadFeedbackTexts(data);
            var database = await ReadDatabaseTextAsync(data);
            foreach (var pii in Planted)
            {
                Assert.DoesNotContain(pii, feedbackTexts, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(pii, latest, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(pii, stdout + stderr, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(pii, output, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(pii, string.Join('\n', csv), StringComparison.OrdinalIgnoreCase);
            }
            // Only the customer's traits may hold their name and email; the rest never reaches the store.
            foreach (var pii in Planted.Where(p => !p.Contains("Lovelace", StringComparison.OrdinalIgnoreCase)))
                Assert.DoesNotContain(pii, database, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData("painpoints", "--since", "2026-02-30")]
    [InlineData("painpoints", "--since", "2026-03-10", "--until", "2026-03-01")]
    [InlineData("painpoints", "--assignments")]
    [InlineData("painpoints", "--bogus")]
    public async Task BadCommandArguments_Exit2(params string[] args)
    {
        var data = Path.Combine(Path.GetTempPath(), "journey-args-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(Commands.BadInput, await Commands.RunAsync(CommandLine.Parse([.. args, "--data", data])));
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Batch(DateOnly today)
    {
        var items = new List<string>
        {
            """{"type":"identify","userId":"pp-ada","traits":{"name":"Ada Lovelace","firstName":"Ada","lastName":"Lovelace","email":"ada.lovelace@example.com"},"timestamp":"TS"}""".Replace("TS", At(today, 5, 0), StringComparison.Ordinal),
        };
        for (var topic = 0; topic < Topics.Length; topic++)
        {
            for (var i = 0; i < Topics[topic].Length; i++)
            {
                var user = topic == 0 && i == 0 ? "pp-ada" : $"pp-{topic}-{i}";
                var text = Topics[topic][i] + (i == 0 ? Plants[topic] : "");
                items.Add(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["type"] = "track",
                    ["userId"] = user,
                    ["event"] = "Product Reviewed",
                    ["timestamp"] = At(today, 4, topic * 6 + i),
                    ["properties"] = new Dictionary<string, object> { ["product_id"] = $"sku-{topic}", ["category"] = "Dresses", ["rating"] = 1 + i % 2, ["review_body"] = text },
                }));
            }
        }
        items.Add($$$"""{"type":"track","userId":"pp-happy","event":"Product Reviewed","timestamp":"{{{At(today, 3, 0)}}}","properties":{"product_id":"sku-0","rating":5,"review_body":"Love it, fits perfectly"}}""");
        string[] reasons = ["Found it cheaper elsewhere", "Delivery date too late, ordered elsewhere", "Changed my mind"];
        for (var i = 0; i < reasons.Length; i++)
            items.Add($$$"""{"type":"track","userId":"pp-cancel-{{{i}}}","event":"Order Cancelled","timestamp":"{{{At(today, 2, i)}}}","properties":{"order_id":"pp-o{{{i}}}","reason":"{{{reasons[i]}}}"}}""");
        return "{\"batch\":[" + string.Join(',', items) + "]}";
    }

    private static string At(DateOnly today, int daysAgo, int minute) =>
        today.AddDays(-daysAgo).ToDateTime(new TimeOnly(9, minute % 60)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task SendAsync(HttpClient http, string batch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new StringContent(batch, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("journey-local:"u8.ToArray()));
        var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task WaitForNoLagAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var health = JsonDocument.Parse(await http.GetStringAsync("/health")).RootElement;
            if (health.GetProperty("processor").GetProperty("lag").GetInt64() == 0) return;
            await Task.Delay(100);
        }
        Assert.Fail("the processor did not catch up within 60 s");
    }

    /// <summary>Every text and title of the stored feedback items, read through the store.</summary>
    private static string ReadFeedbackTexts(string data)
    {
        var store = new SqliteJourneyStore(SqliteStoreOptions.ForDataDirectory(data), NullLogger<SqliteJourneyStore>.Instance);
        try
        {
            var items = store.ListAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None).ToBlockingEnumerable().ToList();
            Assert.Equal(22, items.Count); // 19 reviews and 3 cancel reasons
            return string.Join('\n', items.Select(i => i.Title + " " + i.Text));
        }
        finally
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The database and its write-ahead log as text (not the stream's files: they carry the events as sent).</summary>
    private static async Task<string> ReadDatabaseTextAsync(string data)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(data, SqliteStoreOptions.FileName + "*"))
            text.Append(Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)));
        return text.ToString();
    }

    /// <summary>Runs a command of the built app as a separate process (its own console): exit code, stdout, stderr.</summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> RunCommandAsync(string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Journey.Functions.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["Logging__LogLevel__Default"] = "Debug";
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
