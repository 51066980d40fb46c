using Journey.Domain.Events;
using Journey.Functions.Import;

namespace Journey.Functions.Tests.Import;

public sealed class SegmentJsonlImportTests : IDisposable
{
    private const string Lines =
        """
        {"type":"track","event":"Order Completed","userId":"u1","messageId":"m-1","timestamp":"2023-03-01T10:00:00Z","properties":{"order_id":"A1","revenue":42.5}}
        {"type":"page","anonymousId":"a1","name":"Home","timestamp":"2023-03-01T09:00:00Z","context":{"page":{"url":"https://shop.example/?utm_source=news&utm_medium=email"}}}

        {"type":"track","userId":"u1","timestamp":"2023-03-01T10:00:00Z"}
        {"type":"track","event":"Product Viewed","timestamp":"2023-03-01T10:00:00Z"}
        this is not json
        {"type":"identify","userId":"u1","traits":{"email":"a@example.com"},"timestamp":"2023-03-02T10:00:00Z"}
        """;

    private readonly ImportTestFiles files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public async Task SegmentJsonl_ReadsEachLineThroughTheCollectorsReader_KeepingItsTimestamp()
    {
        var file = files.Write("events.jsonl", Lines.Replace("\n", "\r\n", StringComparison.Ordinal));

        var (summary, events, _) = await ImportRun.RunAsync(file, "--format", "segment-jsonl");

        Assert.Equal(6, summary.RowsRead);
        Assert.Equal(3, summary.EventsSent);
        Assert.Equal(3, summary.RowsRejected);
        Assert.All(events, e => Assert.Equal("import:segment-jsonl", e.Source));
        Assert.All(events, e => Assert.Equal(ImportClock.Now, e.ReceivedAt));

        var order = events[0];
        Assert.Equal(("m-1", MessageType.Track, EventNames.OrderCompleted, "u1"), (order.MessageId, order.Type, order.Event, order.UserId));
        Assert.Equal(new DateTimeOffset(2023, 3, 1, 10, 0, 0, TimeSpan.Zero), order.Timestamp);
        Assert.Equal(42.5m, order.Properties!.Value.GetProperty("revenue").GetDecimal());

        var page = events[1];
        Assert.Equal((MessageType.Page, "a1", "Home"), (page.Type, page.AnonymousId, page.Name));
        Assert.Equal(new DateTimeOffset(2023, 3, 1, 9, 0, 0, TimeSpan.Zero), page.Timestamp);
        Assert.Equal("news", page.Campaign?.Source);

        Assert.Equal(MessageType.Identify, events[2].Type);

        Assert.Equal(
            [
                ("a track call needs an event name in \"event\" (e.g. \"Order Completed\")", 4L),
                ("invalid JSON", 6L),
                ("neither userId nor anonymousId is set; every message needs at least one of them", 5L),
            ],
            summary.Rejections.Select(r => (r.Reason, Assert.Single(r.FirstLines))));
    }

    [Fact]
    public async Task SegmentJsonl_LinesWithoutMessageId_GetTheSameIdsOnEveryImport()
    {
        var file = files.Write("events.jsonl", Lines);

        var first = await ImportRun.RunAsync(file, "--format", "segment-jsonl");
        var second = await ImportRun.RunAsync(file, "--format", "segment-jsonl");

        Assert.Equal(first.Events.Select(e => e.MessageId), second.Events.Select(e => e.MessageId));
        Assert.Equal(3, first.Events.Select(e => e.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task SegmentJsonl_Gzip()
    {
        var file = files.WriteGzip("events.jsonl.gz", Lines);

        var (summary, events, _) = await ImportRun.RunAsync(file, "--format", "segment-jsonl");

        Assert.Equal(3, summary.EventsSent);
        Assert.Equal("m-1", events[0].MessageId);
    }

    [Fact]
    public async Task SegmentJsonl_OverlongLine_IsRejectedWithoutStoppingTheImport()
    {
        var big = "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\",\"properties\":{\"blob\":\"" + new string('a', SegmentJsonlReader.MaxLineBytes + 10) + "\"}}";
        var file = files.Write("big.jsonl", big + "\n" + """{"type":"track","event":"Product Viewed","userId":"u2"}""" + "\n");

        var (summary, events, _) = await ImportRun.RunAsync(file, "--format", "segment-jsonl");

        Assert.Equal(2, summary.RowsRead);
        Assert.Equal("u2", Assert.Single(events).UserId);
        var rejection = Assert.Single(summary.Rejections);
        Assert.Equal((SegmentJsonlReader.LineTooLong, 1L), (rejection.Reason, rejection.FirstLines[0]));
    }

    [Fact]
    public async Task SegmentJsonl_MessageOver32KB_IsRejectedWithTheReadersError()
    {
        var big = "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\",\"properties\":{\"blob\":\"" + new string('a', 40_000) + "\"}}";
        var file = files.Write("big.jsonl", big);

        var (summary, _, _) = await ImportRun.RunAsync(file, "--format", "segment-jsonl");

        Assert.Equal(0, summary.EventsSent);
        Assert.Contains("the limit is 32768 bytes (32 KB)", Assert.Single(summary.Rejections).Reason, StringComparison.Ordinal);
    }
}
