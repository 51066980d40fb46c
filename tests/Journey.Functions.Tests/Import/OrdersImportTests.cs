using System.Text;
using System.Text.Json;
using Journey.Domain.Events;
using Journey.Functions.Hosting;
using Journey.Functions.Import;

namespace Journey.Functions.Tests.Import;

public sealed class OrdersImportTests : IDisposable
{
    private const string RetailHeader = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

    private readonly ImportTestFiles files = new();

    public void Dispose() => files.Dispose();

    private static JsonElement Props(JourneyEvent e) => e.Properties!.Value;

    private static string? Text(JourneyEvent e, string name) =>
        Props(e).TryGetProperty(name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;

    private static decimal Number(JourneyEvent e, string name) => Props(e).GetProperty(name).GetDecimal();

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    // ---- cdnow ---------------------------------------------------------------------------------

    [Fact]
    public async Task Cdnow_SampleLayout_OneOrderPerRow_SeveralOrdersOnOneDayStayDistinct()
    {
        var file = files.Write("CDNOW_sample.txt",
            " 00004 0001 19970101  2   29.33\r\n" +
            " 00004 0001 19970118  2   29.73\r\n" +
            " 00021 0002 19970101  3   63.34\r\n" +
            " 00021 0002 19970101  1   11.77\r\n");

        var (summary, events, output) = await ImportRun.RunAsync(file, "--preset", "cdnow");

        Assert.Equal(("import:cdnow", 4L, 4L, 0L), (summary.Source, summary.RowsRead, summary.EventsSent, summary.RowsRejected));
        Assert.Equal(new Dictionary<string, long> { [EventNames.OrderCompleted] = 4 }, summary.EventsByName);
        Assert.Equal(
            [
                ("4", "cdnow-4-19970101-1", 29.33m, 2m, Utc(1997, 1, 1)),
                ("4", "cdnow-4-19970118-1", 29.73m, 2m, Utc(1997, 1, 18)),
                ("21", "cdnow-21-19970101-1", 63.34m, 3m, Utc(1997, 1, 1)),
                ("21", "cdnow-21-19970101-2", 11.77m, 1m, Utc(1997, 1, 1)),
            ],
            events.Select(e => (e.UserId, Text(e, "order_id"), Number(e, "revenue"), Number(e, "quantity"), e.Timestamp)));
        foreach (var e in events)
        {
            Assert.Equal(MessageType.Track, e.Type);
            Assert.Equal(EventNames.OrderCompleted, e.Event);
            Assert.Equal("USD", Text(e, "currency"));
            Assert.Equal("import:cdnow", e.Source);
            Assert.Equal(e.Timestamp, e.OriginalTimestamp);
            Assert.Equal(ImportClock.Now, e.ReceivedAt);
            Assert.Null(e.AnonymousId);
            Assert.Matches("^import-[0-9a-f]{32}$", e.MessageId);
            Assert.False(Props(e).TryGetProperty("products", out _));
        }
        Assert.Equal(4, events.Select(e => e.MessageId).Distinct().Count());
        Assert.Contains("import: CDNOW layout: whitespace-separated, 5 columns (master id, sample id, date, cds, dollars), no header", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cdnow_MasterLayout_HeaderAndCrLf()
    {
        var file = files.Write("CDNOW_master.txt",
            " customer_id  date number_of_cds  dollar_value\r\n" +
            " 00001 19970101  1   11.77\r\n" +
            " 00002 19970112  1   12.00\r\n" +
            " 00002 19970112  5   77.00\r\n");

        var (summary, events, output) = await ImportRun.RunAsync(file, "--preset", "cdnow");

        Assert.Equal((3L, 3L, 0L), (summary.RowsRead, summary.EventsSent, summary.RowsRejected));
        Assert.Equal(
            [("1", "cdnow-1-19970101-1", 11.77m, 1m), ("2", "cdnow-2-19970112-1", 12m, 1m), ("2", "cdnow-2-19970112-2", 77m, 5m)],
            events.Select(e => (e.UserId, Text(e, "order_id"), Number(e, "revenue"), Number(e, "quantity"))));
        Assert.Contains("import: CDNOW layout: whitespace-separated, 4 columns (customer id, date, cds, dollars), with header", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cdnow_MasterLayoutWithoutHeader_IsDetectedFromFourColumns()
    {
        var file = files.Write("master-noheader.txt", "00007 19980630 2 20.5\n");

        var (_, events, output) = await ImportRun.RunAsync(file, "--preset", "cdnow");

        var e = Assert.Single(events);
        Assert.Equal(("7", "cdnow-7-19980630-1", 20.5m, Utc(1998, 6, 30)), (e.UserId, Text(e, "order_id"), Number(e, "revenue"), e.Timestamp));
        Assert.Contains("4 columns (customer id, date, cds, dollars), no header", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cdnow_ElogCsv_GivesTheSameEventsAsTheSampleLayout()
    {
        var sample = files.Write("CDNOW_sample.txt",
            " 00004 0001 19970101  2   29.33\r\n" +
            " 00004 0001 19970101  2   29.73\r\n" +
            " 23569 2357 19970325  2   25.74\r\n");
        var elog = files.Write("cdnowElog.csv",
            "masterid,sampleid,date,cds,sales\n" +
            "4,1,19970101,2,29.33\n" +
            "4,1,19970101,2,29.73\n" +
            "23569,2357,19970325,2,25.74\n");

        var fromSample = await ImportRun.RunAsync(sample, "--preset", "cdnow");
        var fromElog = await ImportRun.RunAsync(elog, "--preset", "cdnow");

        Assert.Equal(3, fromElog.Summary.EventsSent);
        Assert.Contains("import: CDNOW layout: CSV masterid,sampleid,date,cds,sales (BTYD elog), with header", fromElog.Output, StringComparison.Ordinal);
        static object Key(JourneyEvent e) => (e.MessageId, e.UserId, Text(e, "order_id"), Number(e, "revenue"), Number(e, "quantity"), e.Timestamp);
        Assert.Equal(fromSample.Events.Select(Key), fromElog.Events.Select(Key));
        Assert.Equal(["cdnow-4-19970101-1", "cdnow-4-19970101-2", "cdnow-23569-19970325-1"], fromElog.Events.Select(e => Text(e, "order_id")));
    }

    [Fact]
    public async Task Cdnow_BadRows_AreRejectedWithReasonsAndLineNumbers()
    {
        var file = files.Write("CDNOW_sample.txt",
            " 00004 0001 19970101  2   29.33\n" +     // 1 ok
            " 00004 0001 1997013x  2   29.33\n" +     // 2 bad date
            " 00004 0001 19970230  2   29.33\n" +     // 3 bad date (no 30 February)
            " 00004 0001 19970101  0   29.33\n" +     // 4 bad quantity
            " 00004 0001 19970101  2   -5\n" +        // 5 bad revenue
            " 00004 0001 19970101  2\n" +             // 6 short row
            " 00004 0001 19970101  2   1.00  x\n" +   // 7 too many columns
            "\n" +                                    // 8 blank: skipped
            " 0000x 0001 19970101  2   1.00\n" +      // 9 bad customer id
            " 00004 0001 19970101  2   abc\n" +       // 10 bad revenue
            " 00004 0001 19970101  1   5.00\n");      // 11 ok: the second order of that day

        var (summary, events, output) = await ImportRun.RunAsync(file, "--preset", "cdnow");

        Assert.Equal((10L, 2L, 8L), (summary.RowsRead, summary.EventsSent, summary.RowsRejected));
        Assert.Equal(["cdnow-4-19970101-1", "cdnow-4-19970101-2"], events.Select(e => Text(e, "order_id")));
        Assert.Equal(
            [
                ("bad date", 2L, new long[] { 2, 3 }),
                ("bad revenue", 2L, new long[] { 5, 10 }),
                ("bad customer id", 1L, new long[] { 9 }),
                ("bad quantity", 1L, new long[] { 4 }),
                ("short row", 1L, new long[] { 6 }),
                ("too many columns", 1L, new long[] { 7 }),
            ],
            summary.Rejections.Select(r => (r.Reason, r.Count, r.FirstLines.ToArray())));
        Assert.Contains("bad date: 2 (lines 2, 3)", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,b,c\n1,2,3\n", "x.txt is comma-separated but its first line is not the CDNOW elog header (masterid,sampleid,date,cds,sales): a,b,c")]
    [InlineData("4 19970101 2\n", "x.txt is not a CDNOW file: expected 5 whitespace-separated numbers (master id, sample id, date YYYYMMDD, cds, dollars), 4 (customer id, date, cds, dollars, optionally under the header 'customer_id date number_of_cds dollar_value') or the CSV header masterid,sampleid,date,cds,sales; its first line is: 4 19970101 2")]
    [InlineData("id date cds dollars\n", "x.txt is not a CDNOW file: expected 5 whitespace-separated numbers (master id, sample id, date YYYYMMDD, cds, dollars), 4 (customer id, date, cds, dollars, optionally under the header 'customer_id date number_of_cds dollar_value') or the CSV header masterid,sampleid,date,cds,sales; its first line is: id date cds dollars")]
    [InlineData("\n\n", "x.txt is empty: a CDNOW file has one purchase per line (customer id, [sample id], date YYYYMMDD, cds, dollars).")]
    public async Task Cdnow_UnknownLayout_IsAnInputErrorNamingTheLayouts(string content, string message)
    {
        var file = files.Write("x.txt", content);

        var ex = await Assert.ThrowsAsync<ImportInputException>(() => ImportRun.RunAsync(file, "--preset", "cdnow"));

        Assert.Equal(message, ex.Message);
    }

    // ---- online-retail -------------------------------------------------------------------------

    [Fact]
    public async Task OnlineRetail_GroupsInvoiceLines_CInvoicesAreRefunds_GuestsAndBadInvoicesAreRejected()
    {
        var file = files.Write("online_retail.csv", RetailHeader +
            "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n" +      // 2
            "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom\n" +                      // 3
            "536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom\n" +                   // 4
            "536365,84406B,\"CREAM CUPID HEARTS, COAT HANGER\",8,2010-12-01 08:27:00,2.75,17850.0,United Kingdom\n" +     // 5 536365 again, after another invoice
            "536544,21773,DECORATIVE ROSE BATHROOM BOTTLE,1,2010-12-01 14:32:00,2.51,,United Kingdom\n" +                 // 6 guest
            "C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527.0,United Kingdom\n" +                                 // 7 refund
            "C536383,35004C,SET OF 3 COLOURED  FLYING DUCKS,-1,2010-12-01 09:49:00,4.65,15311.0,United Kingdom\n" +        // 8 refund, 2 lines
            "C536383,22556,PLASTERS IN TIN CIRCUS PARADE,-12,2010-12-01 09:49:00,1.65,15311.0,United Kingdom\n" +         // 9
            "536384,82484,WOOD BLACK BOARD ANT WHITE FINISH,3,2010-12-01 09:53:00,6.45,18074.0,United Kingdom\n" +        // 10 rejected with its invoice
            "536384,22464,HANGING METAL HEART LANTERN,12,1 Dec 2010 at nine,1.65,18074.0,United Kingdom\n" +              // 11 bad date
            "536384,21324,HANGING MEDINA LANTERN SMALL,6,2010-12-01 09:53:00,2.95,18074.0,United Kingdom\n");             // 12 rejected with its invoice

        var (summary, events, output) = await ImportRun.RunAsync(file, "--preset", "online-retail");

        Assert.Equal(("import:online-retail", 11L, 4L, 4L), (summary.Source, summary.RowsRead, summary.EventsSent, summary.RowsRejected));
        Assert.Equal(new Dictionary<string, long> { [EventNames.OrderCompleted] = 2, [EventNames.OrderRefunded] = 2 }, summary.EventsByName);
        Assert.Equal(
            [
                (EventNames.OrderCompleted, "17850", "536365", Utc(2010, 12, 1, 8, 26)),
                (EventNames.OrderCompleted, "17850", "536366", Utc(2010, 12, 1, 8, 28)),
                (EventNames.OrderRefunded, "14527", "C536379", Utc(2010, 12, 1, 9, 41)),
                (EventNames.OrderRefunded, "15311", "C536383", Utc(2010, 12, 1, 9, 49)),
            ],
            events.Select(e => (e.Event, e.UserId, Text(e, "order_id"), e.Timestamp)));
        Assert.All(events, e => Assert.Equal("GBP", Text(e, "currency")));
        Assert.All(events, e => Assert.Equal("import:online-retail", e.Source));
        Assert.Equal(4, events.Select(e => e.MessageId).Distinct().Count());

        var order = events[0];
        Assert.Equal(57.64m, Number(order, "revenue")); // 6 × 2.55 + 6 × 3.39 + 8 × 2.75
        Assert.Equal(20m, Number(order, "quantity"));
        Assert.False(Props(order).TryGetProperty("total", out _));
        Assert.Equal(
            [("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 2.55m, 6m), ("71053", "WHITE METAL LANTERN", 3.39m, 6m), ("84406B", "CREAM CUPID HEARTS, COAT HANGER", 2.75m, 8m)],
            Props(order).GetProperty("products").EnumerateArray().Select(p =>
                (p.GetProperty("product_id").GetString(), p.GetProperty("name").GetString(), p.GetProperty("price").GetDecimal(), p.GetProperty("quantity").GetDecimal())));
        Assert.Equal(11.10m, Number(events[1], "revenue"));

        var refund = events[3];
        Assert.Equal(24.45m, Number(refund, "total")); // 1 × 4.65 + 12 × 1.65, as a positive amount
        Assert.Equal(13m, Number(refund, "quantity"));
        Assert.False(Props(refund).TryGetProperty("revenue", out _));
        Assert.Equal([1m, 12m], Props(refund).GetProperty("products").EnumerateArray().Select(p => p.GetProperty("quantity").GetDecimal()));
        Assert.Equal(27.50m, Number(events[2], "total"));

        Assert.Equal(
            [
                (OrderAssembler.OtherLineOfRejectedOrder, 2L, new long[] { 10, 12 }),
                ("bad date", 1L, new long[] { 11 }),
                ("guest purchase (no CustomerID)", 1L, new long[] { 6 }),
            ],
            summary.Rejections.Select(r => (r.Reason, r.Count, r.FirstLines.ToArray())));
        Assert.Contains("rows in events:           7 (the lines of one order make one event)", output, StringComparison.Ordinal);
        Assert.Contains("    Order Refunded: 2", output, StringComparison.Ordinal);
        Assert.Contains("guest purchase (no CustomerID): 1 (line 6)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlineRetail_LinesOfAnInvoiceAlreadySent_AreRejectedNotSentTwice()
    {
        var rows = new StringBuilder(RetailHeader);
        rows.Append("500000,A,a,1,2011-01-01 10:00:00,1.00,12346.0,UK\n");
        for (var i = 1; i <= OrderAssembler.OpenOrders; i++) rows.Append($"5000{i:00},A,a,1,2011-01-01 10:00:00,1.00,12346.0,UK\n");
        rows.Append("500000,B,b,1,2011-01-01 10:00:00,2.00,12346.0,UK\n"); // 17 invoices later: 500000 was sent already
        var file = files.Write("retail.csv", rows.ToString());

        var (summary, events, _) = await ImportRun.RunAsync(file, "--preset", "online-retail");

        Assert.Equal(OrderAssembler.OpenOrders + 1, summary.EventsSent);
        Assert.Equal(1m, Number(events[0], "revenue"));
        var rejection = Assert.Single(summary.Rejections);
        Assert.Equal((OrderAssembler.LineOfOrderAlreadySent, 1L, OrderAssembler.OpenOrders + 3L), (rejection.Reason, rejection.Count, rejection.FirstLines[0]));
    }

    [Fact]
    public async Task OnlineRetail_SameFileTwice_GivesIdenticalMessageIds()
    {
        var file = files.Write("retail.csv", RetailHeader +
            "536365,85123A,X,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n" +
            "C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527.0,United Kingdom\n");

        var first = await ImportRun.RunAsync(file, "--preset", "online-retail");
        var second = await ImportRun.RunAsync(file, "--preset", "online-retail");

        Assert.Equal(2, first.Events.Count);
        Assert.Equal(first.Events.Select(e => e.MessageId), second.Events.Select(e => e.MessageId));
    }

    [Fact]
    public async Task OnlineRetail_GzipFile_ReadsLikeThePlainFile()
    {
        var content = RetailHeader + "536365,85123A,X,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n536365,71053,Y,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom\n";
        var plain = await ImportRun.RunAsync(files.Write("r.csv", content), "--preset", "online-retail");
        var gzip = await ImportRun.RunAsync(files.WriteGzip("r.csv.gz", content), "--preset", "online-retail");

        Assert.Equal(35.64m, Number(Assert.Single(gzip.Events), "revenue"));
        Assert.Equal(plain.Events.Select(e => e.MessageId), gzip.Events.Select(e => e.MessageId));
    }

    [Fact]
    public async Task OnlineRetail_MissingColumn_IsAnInputErrorNamingIt()
    {
        var file = files.Write("retail.csv", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,Country\n536365,85123A,X,6,2010-12-01 08:26:00,2.55,United Kingdom\n");

        var ex = await Assert.ThrowsAsync<ImportInputException>(() => ImportRun.RunAsync(file, "--preset", "online-retail"));

        Assert.Equal(
            "retail.csv has no column 'CustomerID' for customer (preset online-retail); its header is: InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,Country.",
            ex.Message);
    }

    [Fact]
    public async Task OnlineRetail_EmptyFile_IsAnInputError()
    {
        var file = files.Write("retail.csv", "");

        var ex = await Assert.ThrowsAsync<ImportInputException>(() => ImportRun.RunAsync(file, "--preset", "online-retail"));

        Assert.StartsWith("retail.csv is empty: an orders CSV starts with a header line", ex.Message, StringComparison.Ordinal);
    }

    // ---- generic --map -------------------------------------------------------------------------

    [Fact]
    public async Task GenericMap_GroupsLines_MapsStatuses_AndRejectsBadRowsWithTheirOrder()
    {
        var file = files.Write("shop.csv",
            "Buyer,Order No,When,Amount,Qty,SKU,Cat,State,Note\n" +
            "17850.0,A-1,2023-11-14T22:13:20Z,10.50,1,sku-1,shoes,,x\n" +      // 2 completed
            "17850.0,A-1,2023-11-14T22:13:20Z,4.50,3,sku-2,socks,paid,x\n" +   // 3 same order
            "c2,B-7,1700000000,20,,,,Refunded,x\n" +                           // 4 refund
            "c2,B-8,20231115,-15.00,,,,cancelled,x\n" +                        // 5 cancellation, amount made positive
            "c3,C-1,2023-11-15 10:00:00,5,,,,lost,x\n" +                       // 6 unknown status
            "c3,C-2,2023-11-15 10:00:00,-5,,,,,x\n" +                          // 7 negative order
            ",C-3,2023-11-15 10:00:00,5,,,,,x\n" +                             // 8 no customer
            "c3,,2023-11-15 10:00:00,5,,,,,x\n" +                              // 9 no order id
            "c3,C-4,,5,,,,,x\n" +                                              // 10 no date
            "c3,C-5,2023-11-15 10:00:00,,,,,,x\n" +                            // 11 no revenue
            "c3,C-6,2023-11-15 10:00:00,five,,,,,x\n" +                        // 12 bad revenue
            "c4,D-1,2023-11-16 10:00:00,7,1,sku-9,,,x\n" +                     // 13 rejected with its order
            "c5,D-1,2023-11-16 10:00:00,7,1,sku-9,,,x\n");                     // 14 another customer on D-1

        var (summary, events, _) = await ImportRun.RunAsync(
            file, "--format", "orders-csv",
            "--map", "customer=buyer,order=Order No,time=when,revenue=amount,quantity=qty,product=sku,category=cat,status=state");

        Assert.Equal(("import:orders-csv", 13L, 3L, 9L), (summary.Source, summary.RowsRead, summary.EventsSent, summary.RowsRejected));
        Assert.Equal(
            [
                (EventNames.OrderCompleted, "17850", "A-1", Utc(2023, 11, 14, 22, 13, 20)),
                (EventNames.OrderRefunded, "c2", "B-7", Utc(2023, 11, 14, 22, 13, 20)),
                (EventNames.OrderCancelled, "c2", "B-8", Utc(2023, 11, 15)),
            ],
            events.Select(e => (e.Event, e.UserId, Text(e, "order_id"), e.Timestamp)));
        Assert.All(events, e => Assert.Null(Text(e, "currency")));

        var order = events[0];
        Assert.Equal(15.00m, Number(order, "revenue"));
        Assert.Equal(4m, Number(order, "quantity"));
        Assert.Equal(
            [("sku-1", "shoes", 1m), ("sku-2", "socks", 3m)],
            Props(order).GetProperty("products").EnumerateArray().Select(p =>
                (p.GetProperty("product_id").GetString(), p.GetProperty("category").GetString(), p.GetProperty("quantity").GetDecimal())));
        Assert.Equal(20m, Number(events[1], "total"));
        Assert.Null(Text(events[1], "quantity"));
        Assert.Equal(15.00m, Number(events[2], "total"));

        Assert.Equal(
            [
                ("bad revenue", new long[] { 12 }),
                (OrderAssembler.CustomerDiffers, new long[] { 14 }),
                ("missing customer id", new long[] { 8 }),
                ("missing date", new long[] { 10 }),
                ("missing order id", new long[] { 9 }),
                ("missing revenue", new long[] { 11 }),
                (OrderAssembler.NegativeTotal, new long[] { 7 }),
                (OrderAssembler.OtherLineOfRejectedOrder, new long[] { 13 }),
                ("unknown status 'lost'", new long[] { 6 }),
            ],
            summary.Rejections.Select(r => (r.Reason, r.FirstLines.ToArray())));
    }

    [Fact]
    public async Task GenericMap_MappedColumnMissingFromTheHeader_IsAnInputError()
    {
        var file = files.Write("shop.csv", "Buyer,Order No,When,Total\nc1,A-1,20231115,5\n");

        var ex = await Assert.ThrowsAsync<ImportInputException>(() => ImportRun.RunAsync(
            file, "--format", "orders-csv", "--map", "customer=buyer,order=order no,time=when,revenue=amount"));

        Assert.Equal("shop.csv has no column 'amount' for revenue (--map); its header is: Buyer,Order No,When,Total.", ex.Message);
    }

    // ---- the command line ------------------------------------------------------------------------

    [Fact]
    public async Task Command_MappingError_ExitsWith2()
    {
        var file = files.Write("shop.csv", "Buyer,Order No,When,Total\n");

        var exit = await Commands.RunAsync(CommandLine.Parse(["import", file, "--format", "orders-csv", "--map", "customer=buyer,time=when", "--data", Path.Combine(files.Folder, "data")]));

        Assert.Equal(Commands.BadInput, exit);
    }

    [Fact]
    public async Task Command_MissingColumn_ExitsWith2()
    {
        var file = files.Write("shop.csv", "Buyer,Order No,When,Total\nc1,A-1,20231115,5\n");

        var exit = await Commands.RunAsync(CommandLine.Parse(["import", file, "--format", "orders-csv", "--map", "customer=buyer,order=order no,time=when,revenue=amount", "--data", Path.Combine(files.Folder, "data")]));

        Assert.Equal(Commands.BadInput, exit);
    }
}
