using System.Text;
using System.Text.Json;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Functions.Import;

namespace Journey.Functions.Tests.Import;

public sealed class ClickstreamImportTests : IDisposable
{
    private const string TaobaoHeader = "user_id,item_id,category_id,behavior_type,timestamp\n";
    private const string Rees46Header = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n";

    private readonly ImportTestFiles files = new();

    public void Dispose() => files.Dispose();

    private static JsonElement Props(JourneyEvent e) => e.Properties!.Value;

    private static string? Text(JourneyEvent e, string name) =>
        Props(e).TryGetProperty(name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;

    [Fact]
    public async Task Taobao_EachBehaviorType_MapsToItsEcommerceEvent()
    {
        var file = files.Write("taobao.csv", TaobaoHeader +
            "1,2268318,2520377,pv,1511544070\n" +
            "1,2268318,2520377,cart,1511544080\n" +
            "1,2268318,2520377,fav,1511544090\n" +
            "1,2268318,2520377,buy,1511544100\n");

        var (summary, events, _) = await ImportRun.RunAsync(file, "--preset", "taobao");

        Assert.Equal(
            [EventNames.ProductViewed, EventNames.ProductAdded, EventNames.ProductAddedToWishlist, EventNames.OrderCompleted],
            events.Select(e => e.Event));
        foreach (var e in events)
        {
            Assert.Equal(MessageType.Track, e.Type);
            Assert.Equal("1", e.UserId);
            Assert.Null(e.AnonymousId);
            Assert.Equal("2268318", Text(e, "product_id"));
            Assert.Equal("2520377", Text(e, "category"));
            Assert.Equal(DeviceClass.Unknown, e.Device);
            Assert.Null(e.Channel);
            Assert.Equal("import:taobao", e.Source);
            Assert.Equal(ImportClock.Now, e.ReceivedAt);
            Assert.Equal(e.Timestamp, e.OriginalTimestamp);
            Assert.Matches("^import-[0-9a-f]{32}$", e.MessageId);
        }
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1511544070), events[0].Timestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1511544100), events[3].Timestamp);

        var order = Props(events[3]);
        Assert.Matches("^taobao-[0-9a-f]{32}$", order.GetProperty("order_id").GetString());
        var product = Assert.Single(order.GetProperty("products").EnumerateArray());
        Assert.Equal("2268318", product.GetProperty("product_id").GetString());
        Assert.Equal("2520377", product.GetProperty("category").GetString());
        Assert.False(order.TryGetProperty("revenue", out _));
        Assert.False(Props(events[0]).TryGetProperty("order_id", out _));

        Assert.Equal(("import:taobao", 4L, 4L, 0L), (summary.Source, summary.RowsRead, summary.EventsSent, summary.RowsRejected));
        Assert.Empty(summary.Rejections);
        Assert.Equal(1, summary.EventsByName[EventNames.OrderCompleted]);
    }

    [Fact]
    public async Task Rees46_EachEventType_MapsWithPriceBrandSessionAndCategoryFallback()
    {
        var file = files.Write("rees46.csv", Rees46Header +
            "2019-10-01 00:00:00 UTC,view,44600062,2103807459595387724,,shiseido,35.79,541312140,72d76fde-8bb3-4e00-8c23-a032dfed738c\n" +
            "2019-10-01 00:00:05 UTC,cart,3900821,2053013552326770905,appliances.environment.water_heater,aqua,33.20,541312140,72d76fde-8bb3-4e00-8c23-a032dfed738c\n" +
            "2019-10-01 00:00:06 UTC,remove_from_cart,3900821,2053013552326770905,appliances.environment.water_heater,,33.20,541312140,72d76fde-8bb3-4e00-8c23-a032dfed738c\n" +
            "2019-10-01 00:01:00 UTC,purchase,1307067,2053013558920217191,computers.notebook,\"lenovo, inc\",251.74,541312140,72d76fde-8bb3-4e00-8c23-a032dfed738c\n");

        var (summary, events, _) = await ImportRun.RunAsync(file, "--preset", "rees46");

        Assert.Equal(4, summary.EventsSent);
        Assert.Equal(
            [EventNames.ProductViewed, EventNames.ProductAdded, EventNames.ProductRemoved, EventNames.OrderCompleted],
            events.Select(e => e.Event));
        Assert.All(events, e => Assert.Equal("541312140", e.UserId));
        Assert.All(events, e => Assert.Equal("72d76fde-8bb3-4e00-8c23-a032dfed738c", Text(e, "session_id")));
        Assert.All(events, e => Assert.Equal("import:rees46", e.Source));

        Assert.Equal(new DateTimeOffset(2019, 10, 1, 0, 0, 0, TimeSpan.Zero), events[0].Timestamp);
        Assert.Equal("2103807459595387724", Text(events[0], "category"));
        Assert.Equal("shiseido", Text(events[0], "brand"));
        Assert.Equal(35.79m, Props(events[0]).GetProperty("price").GetDecimal());

        Assert.Equal("appliances.environment.water_heater", Text(events[1], "category"));
        Assert.Null(Text(events[2], "brand"));

        var order = events[3];
        Assert.Equal("lenovo, inc", Text(order, "brand"));
        Assert.Equal(251.74m, Props(order).GetProperty("revenue").GetDecimal());
        Assert.Matches("^rees46-[0-9a-f]{32}$", Text(order, "order_id"));
        var product = Assert.Single(Props(order).GetProperty("products").EnumerateArray());
        Assert.Equal("1307067", product.GetProperty("product_id").GetString());
        Assert.Equal("computers.notebook", product.GetProperty("category").GetString());
        Assert.Equal(251.74m, product.GetProperty("price").GetDecimal());
    }

    [Fact]
    public async Task Import_SameFileTwice_GivesIdenticalMessageAndOrderIds()
    {
        var file = files.Write("taobao.csv", TaobaoHeader +
            "7,1,2,pv,1511544070\n" +
            "7,1,2,pv,1511544070\n" +
            "7,1,2,buy,1511544090\n");

        var first = await ImportRun.RunAsync(file, "--preset", "taobao");
        var second = await ImportRun.RunAsync(file, "--preset", "taobao");

        Assert.Equal(first.Events.Select(e => e.MessageId), second.Events.Select(e => e.MessageId));
        Assert.Equal(Text(first.Events[2], "order_id"), Text(second.Events[2], "order_id"));
        Assert.Equal(3, first.Events.Select(e => e.MessageId).Distinct().Count()); // the same content on another line is another event
    }

    [Fact]
    public async Task Import_RejectedRows_AreCountedWithReasonsAndLineNumbers()
    {
        var file = files.Write("taobao.csv", TaobaoHeader +
            "1,10,20,pv,1511544070\n" +      // 2 ok
            "1,10,20,pv,yesterday\n" +       // 3 bad timestamp
            ",10,20,pv,1511544070\n" +       // 4 missing user
            "1,10,20,x,1511544070\n" +       // 5 unknown
            "1,10,20,pv\n" +                 // 6 short row
            "1,10,20,x,1511544070\n" +       // 7 unknown
            "1,10,20,pv,1511544070,extra\n" + // 8 too many columns
            "\n" +                           // 9 blank: skipped, not a row
            "1,10,20,pv,15115x\n" +          // 10 bad timestamp
            "1,10,20,,1511544070\n" +        // 11 missing event type
            "1,10,20,x,1511544070\n" +       // 12 unknown
            "1,1\"0,20,pv,1511544070\n" +    // 13 stray quote
            "1,10,20,cart,\n" +              // 14 missing timestamp
            "2,10,20,fav,1511544099\n");     // 15 ok

        var (summary, events, output) = await ImportRun.RunAsync(file, "--preset", "taobao");

        Assert.Equal(13, summary.RowsRead);
        Assert.Equal(2, summary.EventsSent);
        Assert.Equal(11, summary.RowsRejected);
        Assert.Equal(2, events.Count);
        Assert.Equal(
            [
                ("unknown behavior_type 'x'", 3L, new long[] { 5, 7, 12 }),
                ("bad timestamp", 2L, new long[] { 3, 10 }),
                ("malformed quotes", 1L, new long[] { 13 }),
                ("missing event type", 1L, new long[] { 11 }),
                ("missing timestamp", 1L, new long[] { 14 }),
                ("missing user id", 1L, new long[] { 4 }),
                ("short row", 1L, new long[] { 6 }),
                ("too many columns", 1L, new long[] { 8 }),
            ],
            summary.Rejections.Select(r => (r.Reason, r.Count, r.FirstLines.ToArray())));
        Assert.Contains("rows read:               13", output, StringComparison.Ordinal);
        Assert.Contains("events sent:              2", output, StringComparison.Ordinal);
        Assert.Contains("rows rejected:           11", output, StringComparison.Ordinal);
        Assert.Contains("unknown behavior_type 'x': 3 (lines 5, 7, 12)", output, StringComparison.Ordinal);
        Assert.Contains("missing user id: 1 (line 4)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_KeepsOnlyTheFirstLineNumbersOfAReason()
    {
        var rows = string.Concat(Enumerable.Range(0, 8).Select(_ => "1,10,20,pv,never\n"));
        var file = files.Write("bad.csv", TaobaoHeader + rows);

        var (summary, _, output) = await ImportRun.RunAsync(file, "--preset", "taobao");

        var rejection = Assert.Single(summary.Rejections);
        Assert.Equal(8, rejection.Count);
        Assert.Equal([2L, 3, 4, 5, 6], rejection.FirstLines);
        Assert.Contains("bad timestamp: 8 (lines 2, 3, 4, 5, 6, ...)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_GzipFile_ReadsLikeThePlainFile()
    {
        var content = TaobaoHeader + "1,10,20,pv,1511544070\n1,10,20,buy,1511544080\n3,11,21,cart,1511544090";
        var plain = files.Write("taobao.csv", content);
        var gzip = files.WriteGzip("taobao.csv.gz", content);

        var fromPlain = await ImportRun.RunAsync(plain, "--preset", "taobao");
        var fromGzip = await ImportRun.RunAsync(gzip, "--preset", "taobao");

        Assert.Equal(3, fromGzip.Summary.EventsSent);
        Assert.Equal(fromPlain.Events.Select(e => (e.MessageId, e.Event, e.UserId, e.Timestamp)), fromGzip.Events.Select(e => (e.MessageId, e.Event, e.UserId, e.Timestamp)));
    }

    [Fact]
    public async Task Import_GzipNameOverPlainData_IsAnInputError()
    {
        var file = files.Write("taobao.csv.gz", TaobaoHeader + "1,10,20,pv,1511544070\n");

        var ex = await Assert.ThrowsAsync<ImportInputException>(() => ImportRun.RunAsync(file, "--preset", "taobao"));

        Assert.StartsWith("taobao.csv.gz is not valid gzip data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_TaobaoWithoutHeader_ReadsTheFirstLineAsData()
    {
        var file = files.Write("UserBehavior.csv", "1,2268318,2520377,pv,1511544070\n1,2333346,2520771,pv,1511561733\n");

        var (summary, events, _) = await ImportRun.RunAsync(file, "--preset", "taobao");

        Assert.Equal(2, summary.RowsRead);
        Assert.Equal(["2268318", "2333346"], events.Select(e => Text(e, "product_id")));
    }

    [Fact]
    public async Task Import_HeaderWithoutAPresetColumn_IsAnInputError()
    {
        var file = files.Write("other.csv", "user,item,category,behavior,timestamp,extra\n1,2,3,pv,1511544070,x\n");

        var ex = await Assert.ThrowsAsync<ImportInputException>(() => ImportRun.RunAsync(file, "--preset", "taobao"));

        Assert.Equal(
            "other.csv has no column 'user_id' for user (preset taobao); its header is: user,item,category,behavior,timestamp,extra.",
            ex.Message);
    }

    [Fact]
    public async Task Import_EmptyFile_IsAnInputError()
    {
        var file = files.Write("empty.csv", "");

        var ex = await Assert.ThrowsAsync<ImportInputException>(() => ImportRun.RunAsync(file, "--preset", "rees46"));

        Assert.StartsWith("empty.csv is empty: a clickstream CSV starts with a header line", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenericMap_MapsNamedColumns_KeepsUnknownEventNames_AndReadsEveryTimeForm()
    {
        var file = files.Write("shop.csv",
            "Customer,Action,When,SKU,Cat,Amount,Qty,Order No,Ignored\n" +
            "c1,view,1700000000,sku-1,\"shoes, red\",10.5,,,zzz\n" +
            "c1,add_to_cart,1700000001000,sku-1,shoes,10.5,2,,zzz\n" +
            "c1,purchase,2023-11-14T22:13:30Z,sku-1,shoes,10.5,2,A-17,zzz\n" +
            "c1,Signed Up,2023-11-14T23:13:30+01:00,,,,,,zzz\n" +
            "c1,remove_from_cart,2023-11-14 22:13:40,sku-1,shoes,,,,zzz\n" +
            "c1,buy,20231115,sku-2,,,,,zzz\n" +
            "c1,price_check,1700000000,sku-1,,ten,,,zzz\n");

        var (summary, events, _) = await ImportRun.RunAsync(
            file, "--format", "clickstream-csv",
            "--map", "user=customer,event=action,time=when,product=sku,category=cat,price=amount,quantity=qty,order=Order No");

        Assert.Equal(7, summary.RowsRead);
        Assert.Equal(6, summary.EventsSent);
        Assert.Equal(("bad price", 1L), (summary.Rejections[0].Reason, summary.Rejections[0].Count));
        Assert.All(events, e => Assert.Equal("import:clickstream-csv", e.Source));
        Assert.All(events, e => Assert.Equal("c1", e.UserId));
        Assert.Equal(
            [EventNames.ProductViewed, "add_to_cart", EventNames.OrderCompleted, "Signed Up", EventNames.ProductRemoved, EventNames.OrderCompleted],
            events.Select(e => e.Event));

        var t = DateTimeOffset.FromUnixTimeSeconds(1700000000);
        Assert.Equal(t, events[0].Timestamp);
        Assert.Equal(t.AddSeconds(1), events[1].Timestamp);
        Assert.Equal(t.AddSeconds(10), events[2].Timestamp);
        Assert.Equal(t.AddSeconds(10), events[3].Timestamp);
        Assert.Equal(t.AddSeconds(20), events[4].Timestamp);
        Assert.Equal(new DateTimeOffset(2023, 11, 15, 0, 0, 0, TimeSpan.Zero), events[5].Timestamp);

        Assert.Equal("shoes, red", Text(events[0], "category"));
        Assert.Equal("sku-1", Text(events[0], "product_id"));
        Assert.Equal("2", Text(events[1], "quantity"));

        var order = Props(events[2]);
        Assert.Equal("A-17", order.GetProperty("order_id").GetString());
        Assert.Equal(21.0m, order.GetProperty("revenue").GetDecimal());
        Assert.Matches("^clickstream-csv-[0-9a-f]{32}$", Text(events[5], "order_id"));
        Assert.Equal("{}", events[3].Properties!.Value.GetRawText());
    }

    [Fact]
    public async Task PresetWithMap_OverridesThePresetColumns()
    {
        var file = files.Write("taobao.csv", "uid,item_id,category_id,behavior_type,timestamp\n9,10,20,pv,1511544070\n");

        var (_, events, _) = await ImportRun.RunAsync(file, "--preset", "taobao", "--map", "user=uid");

        Assert.Equal("9", Assert.Single(events).UserId);
    }

    [Fact]
    public async Task Import_AppendsInChunks_WithAFewInFlight_AndPrintsTheSummary()
    {
        var rows = new StringBuilder(TaobaoHeader);
        for (var i = 0; i < 2500; i++) rows.Append($"{i % 7},{i},1,pv,{1511544070 + i}\n");
        var file = files.Write("many.csv", rows.ToString());
        var stream = new RecordingEventStream();
        var output = new StringWriter();

        var summary = await new ImportCommand(stream, ImportClock.Create(), output)
            .RunAsync(ImportArguments.Parse([file, "--preset", "taobao"]), CancellationToken.None);

        Assert.Equal(2500, summary.EventsSent);
        Assert.Equal(2500, stream.Events.Count);
        Assert.Equal(2500, stream.Events.Select(e => e.MessageId).Distinct().Count());
        Assert.Equal(3, stream.Appends);
        Assert.Equal(1000, stream.LargestAppend);
        Assert.InRange(stream.MaxConcurrentAppends, 1, ImportCommand.MaxAppendsInFlight);
        Assert.Equal(2500, summary.EventsByName[EventNames.ProductViewed]);
        var text = output.ToString();
        Assert.StartsWith("import: reading many.csv as import:taobao, 1,000 events per append", text, StringComparison.Ordinal);
        Assert.Contains("import finished: many.csv as import:taobao", text, StringComparison.Ordinal);
        Assert.Contains("    Product Viewed: 2,500", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_BatchOption_SetsTheChunkSize()
    {
        var rows = string.Concat(Enumerable.Range(0, 25).Select(i => $"1,{i},1,pv,1511544070\n"));
        var file = files.Write("small.csv", TaobaoHeader + rows);
        var stream = new RecordingEventStream();

        await new ImportCommand(stream, ImportClock.Create(), TextWriter.Null)
            .RunAsync(ImportArguments.Parse([file, "--preset", "taobao", "--batch", "10"]), CancellationToken.None);

        Assert.Equal(3, stream.Appends);
        Assert.Equal(10, stream.LargestAppend);
    }

    [Fact]
    public async Task Import_StreamRefusesAFewTimes_RetriesAndSendsEverything()
    {
        var file = files.Write("taobao.csv", TaobaoHeader + "1,10,20,pv,1511544070\n1,10,20,cart,1511544071\n");
        var stream = new RecordingEventStream(failures: 2);
        var output = new StringWriter();

        var summary = await new ImportCommand(stream, ImportClock.Create(), output)
            .RunAsync(ImportArguments.Parse([file, "--preset", "taobao"]), CancellationToken.None);

        Assert.Equal(2, summary.EventsSent);
        Assert.Equal(2, stream.Events.Count);
        Assert.Contains("retrying in 0 s (attempt 3 of 5)", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_StreamKeepsRefusing_FailsNamingTheAttempts()
    {
        var file = files.Write("taobao.csv", TaobaoHeader + "1,10,20,pv,1511544070\n");
        var stream = new RecordingEventStream(failures: 100);

        var output = new StringWriter();

        var ex = await Assert.ThrowsAsync<StreamUnavailableException>(() => new ImportCommand(stream, ImportClock.Create(), output)
            .RunAsync(ImportArguments.Parse([file, "--preset", "taobao"]), CancellationToken.None));

        Assert.StartsWith("the stream did not accept events after 5 attempts: test stream refuses.", ex.Message, StringComparison.Ordinal);
        Assert.Empty(stream.Events);
        Assert.Contains("import stopped: 1 rows read, 0 events sent, 0 rows rejected so far", output.ToString(), StringComparison.Ordinal);
    }
}
