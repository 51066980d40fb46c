using Journey.Adapters.Stream.Embedded;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Journey.Adapters.Tests.Stream.StreamTestData;

namespace Journey.Adapters.Tests.Stream;

public sealed class EmbeddedEventLogRetentionTests : IDisposable
{
    private const string Key = "old-timer";
    private readonly TempDataFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(T0);
    private readonly int _partition = StreamPartitioner.PartitionOf(Key, 4);
    private readonly EmbeddedStreamOptions _options;

    public EmbeddedEventLogRetentionTests() =>
        _options = _folder.Options(o =>
        {
            o.SegmentBytes = 1024;
            o.Retention = TimeSpan.FromDays(1);
        });

    public void Dispose() => _folder.Dispose();

    private async Task<EmbeddedEventLog> OpenWithThirtyRecordsAsync()
    {
        var log = Open(_options, _clock);
        for (var i = 0; i < 30; i++)
            await log.AppendAsync([Event(Key, $"m{i:D2}")], CancellationToken.None);
        return log;
    }

    private static long BaseOf(string segmentFile) => long.Parse(Path.GetFileNameWithoutExtension(segmentFile), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Retention_DeletesOldSegmentsEveryGroupHasReadPast()
    {
        await using var log = await OpenWithThirtyRecordsAsync();
        var checkpoints = new CheckpointStore(Options.Create(_options));
        await checkpoints.CommitAsync("journey", _partition.ToString(System.Globalization.CultureInfo.InvariantCulture), 20, CancellationToken.None);
        await checkpoints.CommitAsync("slow-reader", _partition.ToString(System.Globalization.CultureInfo.InvariantCulture), 25, CancellationToken.None);
        var before = SegmentFiles(_options, _partition);
        var expectedKept = before.Where((f, i) => i == before.Length - 1 || BaseOf(before[i + 1]) > 20).ToList();
        Assert.True(expectedKept.Count < before.Length);

        _clock.SetUtcNow(T0.AddDays(2));
        var deleted = log.ApplyRetention(checkpoints);

        Assert.Equal(before.Length - expectedKept.Count, deleted);
        Assert.Equal(expectedKept, SegmentFiles(_options, _partition));
        var start = log.GetStartSequence(_partition);
        Assert.Equal(BaseOf(expectedKept[0]), start);
        Assert.InRange(start, 1, 20);
        var records = await ReadAllAsync(log, _partition);
        Assert.Equal(Enumerable.Range((int)start, 30 - (int)start).Select(i => $"m{i:D2}"), records.Select(MessageIdOf));
    }

    [Fact]
    public async Task Segments_written_back_from_the_journal_keep_their_records_time_for_the_retention()
    {
        var log = await OpenWithThirtyRecordsAsync();
        log.CheckpointOnClose = false;
        await log.DisposeAsync();

        // A power loss took every segment but the first: the journal writes them back, two days later.
        var before = SegmentFiles(_options, _partition);
        Assert.True(before.Length >= 3, $"{before.Length} segments");
        foreach (var lost in before[1..]) File.Delete(lost);
        File.WriteAllBytes(before[0], File.ReadAllBytes(before[0])[..100]);
        _clock.SetUtcNow(T0.AddDays(2));

        await using var reopened = Open(_options, _clock);
        Assert.Equal(30, (await ReadAllAsync(reopened, _partition)).Count);
        var checkpoints = new CheckpointStore(Options.Create(_options));
        await checkpoints.CommitAsync("journey", _partition.ToString(System.Globalization.CultureInfo.InvariantCulture), 30, CancellationToken.None);

        Assert.True(reopened.ApplyRetention(checkpoints) > 0, "the written-back segments are as old as their records, past the retention");
    }

    [Fact]
    public async Task Retention_KeepsSegmentsYoungerThanTheRetention()
    {
        await using var log = await OpenWithThirtyRecordsAsync();
        var checkpoints = new CheckpointStore(Options.Create(_options));
        await checkpoints.CommitAsync("journey", _partition.ToString(System.Globalization.CultureInfo.InvariantCulture), 30, CancellationToken.None);
        var before = SegmentFiles(_options, _partition);

        _clock.SetUtcNow(T0.AddHours(23));
        Assert.Equal(0, log.ApplyRetention(checkpoints));
        Assert.Equal(before, SegmentFiles(_options, _partition));
        Assert.Equal(30, (await ReadAllAsync(log, _partition)).Count);
    }

    [Fact]
    public async Task Retention_WithoutAnyConsumerGroup_DeletesNothing()
    {
        await using var log = await OpenWithThirtyRecordsAsync();
        _clock.SetUtcNow(T0.AddDays(30));
        Assert.Equal(0, log.ApplyRetention(new CheckpointStore(Options.Create(_options))));
        Assert.Equal(0, log.GetStartSequence(_partition));
    }

    [Fact]
    public async Task Retention_NeverDeletesTheTailSegment_AndTheLogReopensAfterIt()
    {
        await using (var log = await OpenWithThirtyRecordsAsync())
        {
            var checkpoints = new CheckpointStore(Options.Create(_options));
            await checkpoints.CommitAsync("journey", _partition.ToString(System.Globalization.CultureInfo.InvariantCulture), 30, CancellationToken.None);
            _clock.SetUtcNow(T0.AddDays(2));
            log.ApplyRetention(checkpoints);
            Assert.Single(SegmentFiles(_options, _partition));
        }

        await using (var log = Open(_options, _clock))
        {
            var start = log.GetStartSequence(_partition);
            Assert.Equal(BaseOf(Assert.Single(SegmentFiles(_options, _partition))), start);
            Assert.Equal(30, log.GetEndSequence(_partition));
            await log.AppendAsync([Event(Key, "new")], CancellationToken.None);
            var read = await log.ReadAsync(_partition, 0, 100, CancellationToken.None);
            Assert.Equal(start, read.Records[0].SequenceNumber);
            Assert.Equal(30, read.Records[^1].SequenceNumber);
            Assert.Equal("new", MessageIdOf(read.Records[^1]));
        }
    }
}
