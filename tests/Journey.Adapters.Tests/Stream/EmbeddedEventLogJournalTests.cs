using Journey.Adapters.Stream.Embedded;
using static Journey.Adapters.Tests.Stream.StreamTestData;

namespace Journey.Adapters.Tests.Stream;

/// <summary>
/// Only the journal is flushed per group; the partition files are flushed at checkpoints. These
/// tests close the log without its final checkpoint and then take from the partition files what a
/// power loss could take (their unflushed tail, a new segment never flushed), and check that every
/// acknowledged record comes back, once, in order, with its sequence number.
/// </summary>
public sealed class EmbeddedEventLogJournalTests : IDisposable
{
    private readonly TempDataFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string JournalPath(EmbeddedStreamOptions options) => Path.Combine(options.StreamDirectory, StreamJournal.FileName);

    /// <summary>Appends <paramref name="count"/> events for each key, one call per event, and closes as a power loss would.</summary>
    private static async Task<List<string>> WriteAndLoseTheCheckpointAsync(EmbeddedStreamOptions options, string[] keys, int count, int padding = 0)
    {
        var ids = new List<string>();
        await using var log = Open(options);
        for (var i = 0; i < count; i++)
        {
            foreach (var key in keys)
            {
                var id = $"{key}-{i}";
                await log.AppendAsync([Event(key, id, padding: padding)], CancellationToken.None);
                ids.Add(id);
            }
        }

        log.CheckpointOnClose = false;
        return ids;
    }

    private static async Task AssertEveryRecordOnceInOrderAsync(EmbeddedEventLog log, string[] keys, int count)
    {
        foreach (var key in keys)
        {
            var records = await ReadAllAsync(log, StreamPartitioner.PartitionOf(key, 4));
            var mine = records.Where(r => MessageIdOf(r).StartsWith(key + "-", StringComparison.Ordinal)).Select(MessageIdOf);
            Assert.Equal(Enumerable.Range(0, count).Select(i => $"{key}-{i}"), mine);
            Assert.Equal(Enumerable.Range(0, records.Count).Select(i => (long)i), records.Select(r => r.SequenceNumber));
        }
    }

    private static string OtherPartitionThan(int partition) =>
        Enumerable.Range(0, 100).Select(i => $"other-{i}").First(k => StreamPartitioner.PartitionOf(k, 4) != partition);

    [Fact]
    public async Task A_partition_file_that_lost_its_tail_gets_it_back_from_the_journal()
    {
        var options = _folder.Options();
        var p = StreamPartitioner.PartitionOf("alice", 4);
        string[] keys = ["alice", OtherPartitionThan(p)];
        await WriteAndLoseTheCheckpointAsync(options, keys, 12);

        // The power loss: alice's partition file keeps only its first record and half of the second.
        var tail = SegmentFiles(options, p)[^1];
        var bytes = File.ReadAllBytes(tail);
        var frame = bytes.Length / 12;
        File.WriteAllBytes(tail, bytes[..(frame + (frame / 2))]);

        await using var log = Open(options);
        Assert.Equal(11, log.ReplayedRecordCount);
        await AssertEveryRecordOnceInOrderAsync(log, keys, 12);
        Assert.Equal(bytes, File.ReadAllBytes(tail));

        await log.AppendAsync([Event("alice", "alice-12")], CancellationToken.None);
        Assert.Equal(12, (await log.ReadAsync(p, 12, 10, CancellationToken.None)).Records.Single().SequenceNumber);
    }

    [Fact]
    public async Task A_new_segment_that_never_reached_the_disk_is_written_back()
    {
        static void Small(EmbeddedStreamOptions o) => o.SegmentBytes = 2048;
        var options = _folder.Options(Small);
        string[] keys = ["carol"];
        await WriteAndLoseTheCheckpointAsync(options, keys, 30, padding: 100);
        var p = StreamPartitioner.PartitionOf("carol", 4);
        var segments = SegmentFiles(options, p);
        Assert.True(segments.Length >= 3, $"{segments.Length} segments");

        // The last segment's file and its folder entry were never flushed: it is gone.
        File.Delete(segments[^1]);

        await using var log = Open(options);
        Assert.True(log.ReplayedRecordCount > 0);
        await AssertEveryRecordOnceInOrderAsync(log, keys, 30);
    }

    [Fact]
    public async Task Records_already_in_the_partition_files_are_not_written_twice()
    {
        var options = _folder.Options();
        string[] keys = ["dave", "erin", "frank"];
        await WriteAndLoseTheCheckpointAsync(options, keys, 10);
        var sizes = Enumerable.Range(0, 4).Select(p => SegmentFiles(options, p).Sum(f => new FileInfo(f).Length)).ToList();

        await using var log = Open(options);
        Assert.Equal(0, log.ReplayedRecordCount);
        await AssertEveryRecordOnceInOrderAsync(log, keys, 10);
        Assert.Equal(sizes, Enumerable.Range(0, 4).Select(p => SegmentFiles(options, p).Sum(f => new FileInfo(f).Length)));
    }

    [Fact]
    public async Task A_full_journal_checkpoints_and_starts_over_within_its_size()
    {
        var options = _folder.Options(o => o.JournalBytes = 64 * 1024);
        string[] keys = ["gina", "hank"];
        long checkpoints;
        await using (var log = Open(options))
        {
            for (var i = 0; i < 200; i++)
            {
                foreach (var key in keys)
                    await log.AppendAsync([Event(key, $"{key}-{i}", padding: 200)], CancellationToken.None);
            }

            checkpoints = log.CheckpointCount;
            log.CheckpointOnClose = false;
        }

        var journalLength = new FileInfo(JournalPath(options)).Length;
        Assert.True(checkpoints >= 3, $"{checkpoints} checkpoints through a 64 KB journal");
        Assert.True(journalLength <= 64 * 1024, $"the journal is {journalLength} bytes: it must start over instead of growing");

        // Every partition file lost its last records (written after the last checkpoint, which came
        // a journal's worth of groups earlier at most): the journal of the current round has them.
        foreach (var key in keys)
        {
            var tail = SegmentFiles(options, StreamPartitioner.PartitionOf(key, 4))[^1];
            using var stream = new FileStream(tail, FileMode.Open);
            stream.SetLength(stream.Length - 1_000);
        }

        await using (var log = Open(options))
        {
            Assert.True(log.ReplayedRecordCount > 0);
            await AssertEveryRecordOnceInOrderAsync(log, keys, 200);
        }
    }

    [Fact]
    public async Task A_torn_journal_tail_is_ignored()
    {
        var options = _folder.Options();
        string[] keys = ["ivan"];
        await WriteAndLoseTheCheckpointAsync(options, keys, 5);
        using (var stream = new FileStream(JournalPath(options), FileMode.Append))
            stream.Write(Enumerable.Range(0, 300).Select(i => unchecked((byte)(i * 13 + 1))).ToArray());

        await using var log = Open(options);
        await AssertEveryRecordOnceInOrderAsync(log, keys, 5);
    }

    [Fact]
    public async Task After_a_clean_close_the_journal_is_not_read_back_even_over_a_damaged_partition_file()
    {
        // The close checkpointed: what the partition files hold is the truth, the old journal round is void.
        var options = _folder.Options();
        await using (var log = Open(options))
        {
            for (var i = 0; i < 4; i++)
                await log.AppendAsync([Event("judy", $"judy-{i}")], CancellationToken.None);
        }

        var tail = SegmentFiles(options, StreamPartitioner.PartitionOf("judy", 4))[^1];
        var bytes = File.ReadAllBytes(tail);
        File.WriteAllBytes(tail, bytes[..(bytes.Length / 4 * 3)]);

        await using (var log = Open(options))
        {
            Assert.Equal(0, log.ReplayedRecordCount);
            Assert.Equal(["judy-0", "judy-1", "judy-2"], (await ReadEverythingAsync(log)).Select(MessageIdOf));
        }
    }

    [Fact]
    public async Task A_group_whose_flush_failed_is_not_read_back_from_the_journal()
    {
        var options = _folder.Options();
        await using (var log = Open(options))
        {
            await log.AppendAsync([Event("kim", "good-0")], CancellationToken.None);
            var fail = 1;
            log.BeforeDiskFlush = () =>
            {
                if (Interlocked.Exchange(ref fail, 0) == 1) throw new IOException("fsync failed (simulated)");
            };
            await Assert.ThrowsAsync<Journey.Domain.Ports.StreamUnavailableException>(() => log.AppendAsync([Event("kim", "doomed")], CancellationToken.None));
            await log.AppendAsync([Event("kim", "good-1")], CancellationToken.None);
            log.CheckpointOnClose = false;
        }

        await using (var log = Open(options))
            Assert.Equal(["good-0", "good-1"], (await ReadEverythingAsync(log)).Select(MessageIdOf));
    }
}
