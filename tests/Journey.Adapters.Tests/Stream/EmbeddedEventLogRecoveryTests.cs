using Journey.Adapters.Stream.Embedded;
using static Journey.Adapters.Tests.Stream.StreamTestData;

namespace Journey.Adapters.Tests.Stream;

/// <summary>A crash mid-write leaves a torn or corrupt tail; opening the log cuts it off and carries on.</summary>
public sealed class EmbeddedEventLogRecoveryTests : IDisposable
{
    private const string Key = "crash-victim";
    private readonly TempDataFolder _folder = new();
    private readonly int _partition = StreamPartitioner.PartitionOf(Key, 4);

    public void Dispose() => _folder.Dispose();

    private async Task<string> WriteTenRecordsAsync(Action<EmbeddedStreamOptions>? configure = null)
    {
        var options = _folder.Options(configure);
        await using var log = Open(options);
        for (var i = 0; i < 10; i++)
            await log.AppendAsync([Event(Key, $"m{i}")], CancellationToken.None);
        return SegmentFiles(options, _partition)[^1];
    }

    private async Task AssertRecoveredAsync(string tail, long goodLength, int goodRecords, Action<EmbeddedStreamOptions>? configure = null)
    {
        await using var log = Open(_folder.Options(configure));
        Assert.Equal(goodLength, new FileInfo(tail).Length);
        var records = await ReadAllAsync(log, _partition);
        Assert.Equal(Enumerable.Range(0, goodRecords).Select(i => $"m{i}"), records.Select(MessageIdOf));
        Assert.Equal(Enumerable.Range(0, goodRecords).Select(i => (long)i), records.Select(r => r.SequenceNumber));

        await log.AppendAsync([Event(Key, "after-restart")], CancellationToken.None);
        var next = await log.ReadAsync(_partition, goodRecords, 10, CancellationToken.None);
        var record = Assert.Single(next.Records);
        Assert.Equal("after-restart", MessageIdOf(record));
        Assert.Equal(goodRecords, record.SequenceNumber);
    }

    [Fact]
    public async Task Reopen_AfterAHalfWrittenFrame_KeepsTheGoodRecordsAndContinuesTheSequence()
    {
        var tail = await WriteTenRecordsAsync();
        var goodLength = new FileInfo(tail).Length;
        var lastFrame = File.ReadAllBytes(tail)[(int)(goodLength / 10 * 9)..];

        // A crash in the middle of the next record: its header and part of its payload.
        using (var stream = new FileStream(tail, FileMode.Append))
            stream.Write(lastFrame.AsSpan(0, lastFrame.Length / 2));

        await AssertRecoveredAsync(tail, goodLength, 10);
    }

    [Fact]
    public async Task Reopen_AfterGarbageAtTheEnd_CutsItOff()
    {
        var tail = await WriteTenRecordsAsync();
        var goodLength = new FileInfo(tail).Length;
        using (var stream = new FileStream(tail, FileMode.Append))
            stream.Write(Enumerable.Range(0, 100).Select(i => unchecked((byte)(i * 7 + 3))).ToArray());

        await AssertRecoveredAsync(tail, goodLength, 10);
    }

    [Fact]
    public async Task Reopen_AfterZerosAtTheEnd_CutsThemOff()
    {
        // What a file system may leave after a crash: the size grew, the data never landed.
        var tail = await WriteTenRecordsAsync();
        var goodLength = new FileInfo(tail).Length;
        using (var stream = new FileStream(tail, FileMode.Append))
            stream.Write(new byte[4096]);

        await AssertRecoveredAsync(tail, goodLength, 10);
    }

    [Fact]
    public async Task Reopen_AfterACorruptLastRecord_DropsItByItsCrc()
    {
        var tail = await WriteTenRecordsAsync();
        var bytes = File.ReadAllBytes(tail);
        var frameLength = bytes.Length / 10; // all ten records have the same size
        bytes[^5] ^= 0x40;
        File.WriteAllBytes(tail, bytes);

        await AssertRecoveredAsync(tail, frameLength * 9L, 9);
    }

    [Fact]
    public async Task Reopen_AfterATornTailInALaterSegment_KeepsEarlierSegmentsWhole()
    {
        static void Small(EmbeddedStreamOptions o) => o.SegmentBytes = 1024;
        var tail = await WriteTenRecordsAsync(Small);
        var options = _folder.Options(Small);
        Assert.True(SegmentFiles(options, _partition).Length > 1);
        var goodLength = new FileInfo(tail).Length;
        using (var stream = new FileStream(tail, FileMode.Append))
            stream.Write([1, 2, 3, 4, 5, 6, 7]);

        await AssertRecoveredAsync(tail, goodLength, 10, Small);
    }
}
