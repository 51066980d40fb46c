using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Journey.Domain.Ports;
using Journey.Functions.Export;
using Journey.Functions.Hosting;
using Journey.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Functions.Tests.Export;

/// <summary>
/// The <c>export</c> command over a store filled through the real collector and processor, with the daily
/// job's metrics and predictions, the summarizer's pain points and the rules' actions: every dataset's
/// file read back with CsvHelper and Parquet.Net, its header, types and rows checked.
/// </summary>
public sealed class ExportCommandTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 4, 1, 9, 30, 0, TimeSpan.Zero);
    private const string Yesterday = "2026-03-31";
    private TestApp _app = null!;
    private readonly string _out = Path.Combine(Path.GetTempPath(), "journey-export-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        // A webhook makes the rules write actions; nothing dispatches them (Actions:RunInBackground is off), so they stay pending.
        _app = await TestApp.StartAsync(new FakeTimeProvider(Now), "--Actions:WebhookUrl=http://127.0.0.1:9/hook", "--Actions:WebhookSecret=whsec_ZXhwb3J0LXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODk=");
        await SendAsync(Batch());
        await _app.DrainAsync();
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.PostAsync($"/api/jobs/daily?date={Yesterday}", content: null)).StatusCode);
        var painpoints = await _app.Client.PostAsync($"/api/jobs/painpoints?since=2026-03-01&until={Yesterday}", content: null);
        Assert.True(painpoints.StatusCode == HttpStatusCode.OK, await painpoints.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }

    private ExportSources Sources => new(_app.Services.GetRequiredService<ICustomerStore>(), _app.Services.GetRequiredService<IDocumentScans>());

    private async Task<IReadOnlyList<ExportedFile>> ExportAsync(string format, params string[] more)
    {
        var arguments = ExportArguments.Parse(["--format", format, "--out", _out, .. more]);
        using var progress = new StringWriter();
        return await new ExportCommand(Sources, progress).RunAsync(arguments, CancellationToken.None);
    }

    [Fact]
    public async Task Csv_every_dataset_has_its_header_and_the_stores_rows()
    {
        var files = await ExportAsync("csv");

        Assert.Equal(ExportDatasets.All.Select(d => d.Name), files.Select(f => f.Dataset));
        Assert.All(files, f => Assert.Equal(Path.Combine(_out, f.Dataset + ".csv"), f.Path));
        Assert.Empty(Directory.GetFiles(_out, "*.partial"));
        foreach (var dataset in ExportDatasets.All)
        {
            var table = await ExportFiles.ReadCsvAsync(Path.Combine(_out, dataset.Name + ".csv"));
            Assert.Equal(dataset.Columns.Select(c => c.Name), table.Header);
            Assert.Equal(files.Single(f => f.Dataset == dataset.Name).Rows, table.Rows.Count);
        }

        var customers = await ExportFiles.ReadCsvAsync(Path.Combine(_out, "customers.csv"));
        Assert.Equal(["ex-ada", "ex-bob", "ex-cy"], customers.Rows.Select(r => (string)r["id"]!).Order(StringComparer.Ordinal));
        var ada = customers.Where("id", "ex-ada").Single();
        Assert.Equal(("Retention", "email", "2", "130", "65", "2026-03-15T10:00:00.000Z"),
            (ada["stage"], ada["acquisition_channel"], ada["orders"], ada["revenue"], ada["average_order_value"], ada["first_order_at"]));
        Assert.Equal(Yesterday, ada["predictions_as_of"]);
        Assert.Equal("130", ada["historical_clv"]);
        Assert.NotNull(ada["rfm_segment"]);
        Assert.Equal("active", ada["lifecycle_status"]);
        Assert.Equal("1", customers.Where("id", "ex-cy").Single()["cancels"]);
        Assert.DoesNotContain("ada@example.com", await File.ReadAllTextAsync(Path.Combine(_out, "customers.csv")), StringComparison.Ordinal);

        var transitions = await ExportFiles.ReadCsvAsync(Path.Combine(_out, "transitions.csv"));
        var adas = transitions.Where("customer_id", "ex-ada").OrderBy(r => (string)r["at"]!, StringComparer.Ordinal).ToList();
        Assert.Equal(["Awareness", "Consideration", "Conversion", "Retention"], adas.Select(r => (string)r["to_stage"]!));
        Assert.Equal(("Conversion", "Order Completed", "2026-03-20"), ((string)adas[3]["from_stage"]!, (string)adas[3]["trigger_event"]!, (string)adas[3]["day"]!));
        Assert.All(transitions.Rows, r => JsonDocument.Parse((string)r["micro_conversions"]!).Dispose());

        var metrics = await ExportFiles.ReadCsvAsync(Path.Combine(_out, "metrics.csv"));
        Assert.Contains(metrics.Rows, r => (string?)r["kind"] == "rates");
        Assert.All(metrics.Rows, r => Assert.Equal(Yesterday, r["date"]));
        using (var data = JsonDocument.Parse((string)metrics.Where("kind", "rates").Single()["data"]!))
            Assert.Equal(3, data.RootElement.GetProperty("orders").GetInt32());

        var rates = Assert.Single((await ExportFiles.ReadCsvAsync(Path.Combine(_out, "rates.csv"))).Rows);
        Assert.Equal((Yesterday, "3", "3", "170"), (rates["date"], rates["customers"], rates["orders"], rates["revenue"]));
        Assert.Equal("66.67", rates["conversion_rate"]); // two buyers of three customers (Cy only cancelled)

        var feedback = await ExportFiles.ReadCsvAsync(Path.Combine(_out, "feedback.csv"));
        Assert.Equal(7, feedback.Rows.Count); // six reviews and one cancel reason
        var cancel = feedback.Where("kind", "cancel").Single();
        Assert.Equal("ex-cy", cancel["customer_id"]);
        Assert.Contains("[phone]", (string)cancel["text"]!, StringComparison.Ordinal);
        Assert.DoesNotContain("+44 20 7946 0958", await File.ReadAllTextAsync(Path.Combine(_out, "feedback.csv")), StringComparison.Ordinal);

        var painpoints = await ExportFiles.ReadCsvAsync(Path.Combine(_out, "painpoints.csv"));
        Assert.NotEmpty(painpoints.Rows);
        Assert.Equal(7, painpoints.Rows.Sum(r => int.Parse((string)r["texts"]!, CultureInfo.InvariantCulture)));
        Assert.All(painpoints.Rows, r => Assert.Equal($"2026-03-01..{Yesterday}", r["period"]));

        var actions = await ExportFiles.ReadCsvAsync(Path.Combine(_out, "actions.csv"));
        Assert.Contains(actions.Rows, r => (string?)r["action_type"] == "order.cancelled" && (string?)r["customer_id"] == "ex-cy");
        Assert.Contains(actions.Rows, r => (string?)r["action_type"] == "customer.first_order" && (string?)r["customer_id"] == "ex-bob");
        Assert.All(actions.Rows, r => Assert.Contains(r["holdout"], new object?[] { "true", "false" }));
        Assert.DoesNotContain("ada@example.com", await File.ReadAllTextAsync(Path.Combine(_out, "actions.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parquet_every_dataset_has_its_typed_schema_and_the_same_rows_as_csv()
    {
        await ExportAsync("parquet");
        await ExportAsync("csv");

        foreach (var dataset in ExportDatasets.All)
        {
            var (schema, table) = await ExportFiles.ReadParquetAsync(Path.Combine(_out, dataset.Name + ".parquet"));
            Assert.Equal(dataset.Columns.Select(c => c.Name), table.Header);
            foreach (var column in dataset.Columns)
                Assert.Equal(column.Type switch
                {
                    ExportType.Text => typeof(string),
                    ExportType.WholeNumber => typeof(long),
                    ExportType.Real => typeof(double),
                    ExportType.Boolean => typeof(bool),
                    _ => typeof(DateTime),
                }, schema[column.Name]);
            var csv = await ExportFiles.ReadCsvAsync(Path.Combine(_out, dataset.Name + ".csv"));
            Assert.Equal(csv.Rows.Count, table.Rows.Count);
            var key = dataset.Columns[0].Name; // the id, or the date of the rates
            Assert.Equal(csv.Rows.Select(r => r[key]).Order(), table.Rows.Select(r => r[key]).Order());
        }

        var (_, customers) = await ExportFiles.ReadParquetAsync(Path.Combine(_out, "customers.parquet"));
        var ada = customers.Where("id", "ex-ada").Single();
        Assert.Equal((2L, 130.0, 65.0), (ada["orders"], ada["revenue"], ada["average_order_value"]));
        Assert.Equal(new DateTime(2026, 3, 15, 10, 0, 0, DateTimeKind.Utc), ((DateTime)ada["first_order_at"]!).ToUniversalTime());
        Assert.Equal(130.0, ada["historical_clv"]);
        Assert.Null(customers.Where("id", "ex-bob").Single()["last_cart_outcome"]);

        var (_, actions) = await ExportFiles.ReadParquetAsync(Path.Combine(_out, "actions.parquet"));
        Assert.All(actions.Rows, r => Assert.IsType<bool>(r["holdout"]));
        var (_, painpoints) = await ExportFiles.ReadParquetAsync(Path.Combine(_out, "painpoints.parquet"));
        Assert.Equal(7L, painpoints.Rows.Sum(r => (long)r["texts"]!));
    }

    [Fact]
    public async Task What_and_since_choose_the_files_and_the_rows()
    {
        var files = await ExportAsync("csv", "--what", "transitions,customers", "--since", "2026-03-21");

        Assert.Equal(["customers", "transitions"], files.Select(f => f.Dataset));
        Assert.Equal(["customers.csv", "transitions.csv"], Directory.GetFiles(_out).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var transitions = await ExportFiles.ReadCsvAsync(Path.Combine(_out, "transitions.csv"));
        Assert.NotEmpty(transitions.Rows);
        Assert.All(transitions.Rows, r => Assert.True(string.CompareOrdinal((string)r["day"]!, "2026-03-21") >= 0));
        var customers = await ExportFiles.ReadCsvAsync(Path.Combine(_out, "customers.csv"));
        // Ada was last seen on the 20th; Bob and Cy later.
        Assert.Equal(["ex-bob", "ex-cy"], customers.Rows.Select(r => (string)r["id"]!).Order(StringComparer.Ordinal));
    }

    private static string At(int day, int hour = 10) => new DateTime(2026, 3, day, hour, 0, 0, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Batch()
    {
        var items = new List<string>
        {
            $$$"""{"type":"page","anonymousId":"ex-a1","timestamp":"{{{At(10)}}}","context":{"page":{"url":"https://shop.example/?utm_source=news&utm_medium=email"},"userAgent":"Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}}""",
            $$$"""{"type":"identify","userId":"ex-ada","anonymousId":"ex-a1","timestamp":"{{{At(10, 11)}}}","traits":{"email":"ada@example.com"}}""",
            $$$"""{"type":"track","userId":"ex-ada","event":"Product Viewed","timestamp":"{{{At(12)}}}","properties":{"product_id":"p1"}}""",
            $$$"""{"type":"track","userId":"ex-ada","event":"Order Completed","timestamp":"{{{At(15)}}}","properties":{"order_id":"EX1","revenue":60}}""",
            $$$"""{"type":"track","userId":"ex-ada","event":"Order Completed","timestamp":"{{{At(20)}}}","properties":{"order_id":"EX2","revenue":70}}""",
            $$$"""{"type":"track","userId":"ex-bob","event":"Order Completed","timestamp":"{{{At(30)}}}","properties":{"order_id":"EX3","revenue":40}}""",
            $$$"""{"type":"track","userId":"ex-cy","event":"Product Added","timestamp":"{{{At(29)}}}","properties":{"product_id":"p2","price":25}}""",
            $$$"""{"type":"track","userId":"ex-cy","event":"Order Cancelled","timestamp":"{{{At(31)}}}","properties":{"order_id":"EX4","reason":"Delivery far too late, call me on +44 20 7946 0958"}}""",
        };
        string[] reviews = ["The dress runs small", "Runs two sizes small, too tight", "Too small across the chest", "Delivery was very late", "The parcel arrived two weeks late", "Shipping took forever"];
        for (var i = 0; i < reviews.Length; i++)
            items.Add($$$"""{"type":"track","userId":"ex-bob","event":"Product Reviewed","timestamp":"{{{At(30, 12 + i)}}}","properties":{"product_id":"p1","rating":1,"review_body":"{{{reviews[i]}}}"}}""");
        return "{\"batch\":[" + string.Join(',', items) + "]}";
    }

    private async Task SendAsync(string batch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new StringContent(batch, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("journey-local:"u8.ToArray()));
        var response = await _app.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
