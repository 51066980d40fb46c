using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Journey.Adapters.Store.Sqlite;
using Journey.Domain.Events;
using Journey.Functions.Hosting;
using Journey.Functions.Import;
using Journey.Functions.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Journey.Testing;

namespace Journey.Functions.Tests.Import;

/// <summary>
/// Imports the real CDNOW and Online Retail files of the shared data sets (not part of the
/// repository) and checks the outcome against counts computed here, independently, from the files.
/// </summary>
public sealed class RealDataOrdersImportTests
{
    private const string CdnowSample = "cdnow/lifetimes_CDNOW_sample.txt";
    private const string CdnowElog = "cdnow/btyd_cdnowElog.csv";
    private const string CdnowMaster = "cdnow/lifetimes_CDNOW_master.txt";
    private const string OnlineRetail = "online_retail/online_retail_2010-12-01_2011-12-09.csv.gz";

    // The CDNOW 1/10 sample of Fader, Hardie & Lee (2005): 2,357 customers, 6,919 purchases.
    private const int SampleCustomers = 2_357;
    private const long SampleRows = 6_919;

    private static string SharedFile(string name)
    {
        var path = SharedData.Require(name);
        return path;
    }

    private static decimal Number(JourneyEvent e, string name) => e.Properties!.Value.GetProperty(name).GetDecimal();

    private static string OrderId(JourneyEvent e) => e.Properties!.Value.GetProperty("order_id").GetString()!;

    private static async Task<(ImportSummary Summary, IReadOnlyList<JourneyEvent> Events)> ImportAsync(string path, string preset)
    {
        var stream = new RecordingEventStream();
        var summary = await new ImportCommand(stream, ImportClock.Create(), TextWriter.Null)
            .RunAsync(ImportArguments.Parse([path, "--preset", preset]), CancellationToken.None);
        return (summary, stream.Events);
    }

    /// <summary>The rows of a CDNOW whitespace file as (customer, cds, dollars), skipping a header.</summary>
    private static List<(string Customer, int Cds, decimal Dollars)> WhitespaceRows(string path, int customer, int cds, int dollars) =>
        File.ReadLines(path)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 0 && char.IsAsciiDigit(f[0][0]))
            .Select(f => (f[customer].TrimStart('0'), int.Parse(f[cds], CultureInfo.InvariantCulture), decimal.Parse(f[dollars], CultureInfo.InvariantCulture)))
            .ToList();

    [Fact]
    public async Task Cdnow_Sample_EveryRowIsAnOrderOfItsCustomer()
    {
        var path = SharedFile(CdnowSample);
        var rows = WhitespaceRows(path, customer: 0, cds: 3, dollars: 4);
        Assert.True(rows.Count == SampleRows, $"{path}: expected {SampleRows} rows, counted {rows.Count}");

        var (summary, events) = await ImportAsync(path, "cdnow");

        Assert.True(summary.RowsRead == SampleRows && summary.EventsSent == SampleRows && summary.RowsRejected == 0,
            $"{path}: read {summary.RowsRead}, sent {summary.EventsSent}, rejected {summary.RowsRejected}");
        Assert.Equal(new Dictionary<string, long> { [EventNames.OrderCompleted] = SampleRows }, summary.EventsByName);
        Assert.Equal(SampleCustomers, events.Select(e => e.UserId).Distinct().Count());
        Assert.Equal(SampleRows, events.Select(OrderId).Distinct().LongCount());
        Assert.Equal(SampleRows, events.Select(e => e.MessageId).Distinct().LongCount());
        Assert.Equal(rows.Sum(r => r.Dollars), events.Sum(e => Number(e, "revenue"))); // 244,091.94
        Assert.Equal(rows.Sum(r => r.Cds), events.Sum(e => Number(e, "quantity")));
        Assert.Equal(rows.Select(r => r.Customer).Order(StringComparer.Ordinal), events.Select(e => e.UserId!).Order(StringComparer.Ordinal));
        Assert.Equal(new DateTimeOffset(1997, 1, 1, 0, 0, 0, TimeSpan.Zero), events.Min(e => e.Timestamp));
        Assert.Equal(new DateTimeOffset(1998, 6, 30, 0, 0, 0, TimeSpan.Zero), events.Max(e => e.Timestamp));
    }

    [Fact]
    public async Task Cdnow_Elog_SendsTheSameEventsAsTheSample()
    {
        var sample = await ImportAsync(SharedFile(CdnowSample), "cdnow");
        var elogPath = SharedFile(CdnowElog);

        var elog = await ImportAsync(elogPath, "cdnow");

        Assert.True(elog.Summary.EventsSent == SampleRows && elog.Summary.RowsRejected == 0, $"{elogPath}: sent {elog.Summary.EventsSent}, rejected {elog.Summary.RowsRejected}");
        // Appends run a few at a time, so the stream's order is not the file's: compare by message id.
        static object Key(JourneyEvent e) => (e.MessageId, e.UserId, OrderId(e), Number(e, "revenue"), Number(e, "quantity"), e.Timestamp);
        Assert.Equal(
            sample.Events.OrderBy(e => e.MessageId, StringComparer.Ordinal).Select(Key),
            elog.Events.OrderBy(e => e.MessageId, StringComparer.Ordinal).Select(Key));
    }

    [Fact]
    public async Task Cdnow_Master_HeaderAndCrLf_AllRowsBecomeOrders()
    {
        var path = SharedFile(CdnowMaster);
        var rows = WhitespaceRows(path, customer: 0, cds: 2, dollars: 3);

        var (summary, events) = await ImportAsync(path, "cdnow");

        Assert.True(summary.RowsRead == rows.Count && summary.EventsSent == rows.Count && summary.RowsRejected == 0,
            $"{path}: {rows.Count} rows in the file; read {summary.RowsRead}, sent {summary.EventsSent}, rejected {summary.RowsRejected}");
        Assert.Equal(69_659, rows.Count);
        Assert.Equal(23_570, events.Select(e => e.UserId).Distinct().Count());
        Assert.Equal(rows.Count, events.Select(e => e.MessageId).Distinct().Count());
        Assert.Equal(rows.Sum(r => r.Dollars), events.Sum(e => Number(e, "revenue")));
    }

    [Fact]
    public async Task OnlineRetail_InvoicesBecomeOrdersAndRefunds_GuestRowsAreSkipped()
    {
        var path = SharedFile(OnlineRetail);
        var expected = CountOnlineRetail(path);

        var (summary, events) = await ImportAsync(path, "online-retail");

        var message = $"{path}: expected {expected.Rows} rows, {expected.Orders.Count} orders, {expected.Refunds.Count} refunds, {expected.GuestRows} guest rows; " +
            $"read {summary.RowsRead}, sent {string.Join(", ", summary.EventsByName.Select(kv => $"{kv.Key} {kv.Value}"))}, rejected {string.Join(", ", summary.Rejections.Select(r => $"{r.Reason} {r.Count}"))}";
        Assert.True(summary.RowsRead == expected.Rows, message);
        Assert.True(summary.EventsByName.GetValueOrDefault(EventNames.OrderCompleted) == expected.Orders.Count, message);
        Assert.True(summary.EventsByName.GetValueOrDefault(EventNames.OrderRefunded) == expected.Refunds.Count, message);
        Assert.True(summary.EventsByName.Count == 2, message);
        var guests = Assert.Single(summary.Rejections);
        Assert.True(guests.Reason == "guest purchase (no CustomerID)" && guests.Count == expected.GuestRows, message);

        // 541,909 rows; 135,080 guest rows; 18,536 orders and 3,654 refunds of 4,372 customers.
        Assert.Equal((541_909L, 135_080L, 18_536, 3_654), (expected.Rows, expected.GuestRows, expected.Orders.Count, expected.Refunds.Count));
        Assert.Equal(expected.Customers, events.Select(e => e.UserId!).ToHashSet());
        Assert.Equal(4_372, expected.Customers.Count);
        Assert.Equal(
            expected.Orders,
            events.Where(e => e.Event == EventNames.OrderCompleted).ToDictionary(OrderId, e => (e.UserId!, Number(e, "revenue"))));
        Assert.Equal(
            expected.Refunds,
            events.Where(e => e.Event == EventNames.OrderRefunded).ToDictionary(OrderId, e => (e.UserId!, Number(e, "total"))));
        Assert.Equal(events.Count, events.Select(e => e.MessageId).Distinct().Count());
    }

    private sealed record RetailCounts(
        long Rows,
        long GuestRows,
        Dictionary<string, (string Customer, decimal Amount)> Orders,
        Dictionary<string, (string Customer, decimal Amount)> Refunds,
        HashSet<string> Customers);

    /// <summary>
    /// A straightforward pass over the decompressed file: the invoice number is the first field, and
    /// Quantity, InvoiceDate, UnitPrice, CustomerID, Country the last five (only Description is ever quoted).
    /// </summary>
    private static RetailCounts CountOnlineRetail(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var lines = ReadLines(reader).Skip(1)
            .Select(l => l.Split(','))
            .Select(f => (Invoice: f[0], Quantity: decimal.Parse(f[^5], CultureInfo.InvariantCulture), Price: decimal.Parse(f[^3], CultureInfo.InvariantCulture), Customer: f[^2]))
            .ToList();
        var known = lines.Where(l => l.Customer.Length > 0).ToList();
        Dictionary<string, (string, decimal)> Sum(bool refunds) => known
            .Where(l => l.Invoice.StartsWith('C') == refunds)
            .GroupBy(l => l.Invoice)
            .ToDictionary(g => g.Key, g => (g.First().Customer.Replace(".0", "", StringComparison.Ordinal), Math.Abs(g.Sum(l => l.Quantity * l.Price))));
        return new RetailCounts(
            lines.Count,
            lines.Count - known.Count,
            Sum(refunds: false),
            Sum(refunds: true),
            known.Select(l => l.Customer.Replace(".0", "", StringComparison.Ordinal)).ToHashSet());
    }

    private static IEnumerable<string> ReadLines(StreamReader reader)
    {
        while (reader.ReadLine() is { } line) yield return line;
    }

    /// <summary>The real command end to end: the CDNOW sample through the embedded stream and the processor into a temporary SQLite store.</summary>
    [Fact]
    public async Task Command_CdnowSample_EndToEnd_StoresEveryCustomerWithTheirOrders()
    {
        var path = SharedFile(CdnowSample);
        var data = Path.Combine(Path.GetTempPath(), "journey-import-e2e-" + Guid.NewGuid().ToString("N"));
        try
        {
            var exit = await Commands.RunAsync(CommandLine.Parse(["import", path, "--preset", "cdnow", "--data", data]));
            Assert.Equal(Commands.Success, exit);

            await using var store = new SqliteJourneyStore(SqliteStoreOptions.ForDataDirectory(data), NullLogger<SqliteJourneyStore>.Instance);
            var customers = 0;
            long orders = 0;
            var revenue = 0m;
            await foreach (var customer in store.ScanProjectionsAsync(CancellationToken.None))
            {
                customers++;
                orders += customer.Orders.Count;
                revenue += customer.Orders.Revenue;
            }
            Assert.True(customers == SampleCustomers, $"{path}: {customers} customers in the store, expected {SampleCustomers}");
            Assert.Equal(SampleRows, orders);
            Assert.Equal(244_091.94m, revenue);
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }
}
