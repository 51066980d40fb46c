using System.Text;
using Journey.Adapters.Stream.Embedded;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Extensions.Time.Testing;
using static Journey.Adapters.Tests.Stream.StreamTestData;

namespace Journey.Adapters.Tests.Stream;

public sealed class EmbeddedEventLogTests : IDisposable
{
    private readonly TempDataFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AppendThenRead_RoundTripsEveryEventInOrderWithSequenceNumbersPerPartition()
    {
        var options = _folder.Options();
        var clock = new FakeTimeProvider(T0.AddMinutes(5));
        await using var log = Open(options, clock);
        var events = Enumerable.Range(0, 300).Select(i => Event($"profile-{i % 17}", $"m{i:D4}")).ToList();
        for (var i = 0; i < events.Count; i += 25)
            await log.AppendAsync(events.Skip(i).Take(25).ToList(), CancellationToken.None);

        var total = 0;
        for (var p = 0; p < 4; p++)
        {
            var records = await ReadAllAsync(log, p);
            var expected = events.Where(e => StreamPartitioner.PartitionOf(e.ProfileKey, 4) == p).ToList();
            Assert.Equal(expected.Select(e => e.MessageId), records.Select(MessageIdOf));
            Assert.Equal(Enumerable.Range(0, expected.Count).Select(i => (long)i), records.Select(r => r.SequenceNumber));
            Assert.All(records, r => Assert.Equal(p.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Partition));
            Assert.All(records, r => Assert.Equal(T0.AddMinutes(5), r.EnqueuedAt));
            Assert.Equal(expected.Count, log.GetEndSequence(p));
            total += records.Count;
        }

        Assert.Equal(300, total);
        Assert.Equal(300, log.EventCount);
        Assert.Equal(12, log.AppendCount);
    }

    [Fact]
    public async Task Append_BodyIsTheJourneyJsonOfTheEvent()
    {
        await using var log = Open(_folder.Options());
        var evt = Event("p1", "m1") with { Properties = System.Text.Json.JsonSerializer.SerializeToElement(new { revenue = 42.5, note = "ünïcode <b>" }) };
        await log.AppendAsync([evt], CancellationToken.None);

        var record = Assert.Single(await ReadEverythingAsync(log));
        Assert.Equal(JourneyJson.SerializeToUtf8(evt), record.Body.ToArray());
    }

    [Fact]
    public async Task Read_FromTheMiddle_StartsAtThatSequenceAndReportsWhereToContinue()
    {
        await using var log = Open(_folder.Options());
        await log.AppendAsync([.. Enumerable.Range(0, 50).Select(i => Event("same", $"m{i}", padding: 400))], CancellationToken.None);
        var p = StreamPartitioner.PartitionOf("same", 4);

        var page = await log.ReadAsync(p, 20, 10, CancellationToken.None);
        Assert.Equal(Enumerable.Range(20, 10).Select(i => (long)i), page.Records.Select(r => r.SequenceNumber));
        Assert.Equal(30, page.NextSequence);

        var rest = await log.ReadAsync(p, 45, 100, CancellationToken.None);
        Assert.Equal([45L, 46, 47, 48, 49], rest.Records.Select(r => r.SequenceNumber));
        Assert.Equal(50, rest.NextSequence);

        var end = await log.ReadAsync(p, 50, 100, CancellationToken.None);
        Assert.Empty(end.Records);
        Assert.Equal(50, end.NextSequence);
    }

    [Theory]
    [InlineData("user-1", 0x778f8aecu, 0, 4)]
    [InlineData("user-2", 0x32dad0d1u, 1, 1)]
    [InlineData("alice", 0xea14d61eu, 2, 6)]
    [InlineData("ünïcode", 0x3162010cu, 0, 4)]
    [InlineData("", 0xab3e7c0bu, 3, 3)]
    public void PartitionOf_IsAPinnedStableHash(string key, uint hash, int of4, int of8)
    {
        // Pinned values: the mapping is part of the on-disk format and must never change.
        Assert.Equal(hash, StreamPartitioner.Hash(key));
        Assert.Equal(of4, StreamPartitioner.PartitionOf(key, 4));
        Assert.Equal(of8, StreamPartitioner.PartitionOf(key, 8));
    }

    [Fact]
    public void PartitionOf_SpreadsKeysEvenly()
    {
        var counts = new int[4];
        for (var i = 0; i < 4000; i++) counts[StreamPartitioner.PartitionOf($"anon-{i}", 4)]++;
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
    }

    [Fact]
    public async Task SameProfileKey_AlwaysLandsInTheSamePartition()
    {
        await using var log = Open(_folder.Options());
        for (var i = 0; i < 20; i++)
            await log.AppendAsync([Event("alice", $"a{i}"), Event($"other-{i}", $"o{i}")], CancellationToken.None);

        var all = await ReadEverythingAsync(log);
        var alice = all.Where(r => MessageIdOf(r).StartsWith('a')).ToList();
        Assert.Equal(20, alice.Count);
        Assert.Single(alice.Select(r => r.Partition).Distinct());
        Assert.Equal(StreamPartitioner.PartitionOf("alice", 4).ToString(System.Globalization.CultureInfo.InvariantCulture), alice[0].Partition);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"a{i}"), alice.Select(MessageIdOf));
    }

    [Fact]
    public async Task ConcurrentAppends_AreAllReadableExactlyOnceAndShareFlushes()
    {
        await using var log = Open(_folder.Options());
        const int Tasks = 64, PerTask = 200;
        using var start = new ManualResetEventSlim();
        var producers = Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            start.Wait();
            for (var i = 0; i < PerTask; i++)
                await log.AppendAsync([Event($"task-{t}", $"t{t}-{i}")], CancellationToken.None);
        })).ToArray();
        start.Set();
        await Task.WhenAll(producers).WaitAsync(Patience);

        var all = await ReadEverythingAsync(log);
        Assert.Equal(Tasks * PerTask, all.Count);
        var ids = all.Select(MessageIdOf).ToList();
        Assert.Equal(Tasks * PerTask, ids.Distinct().Count());
        for (var t = 0; t < Tasks; t++)
        {
            var mine = ids.Where(id => id.StartsWith($"t{t}-", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, PerTask).Select(i => $"t{t}-{i}"), mine);
        }

        foreach (var group in all.GroupBy(r => r.Partition))
            Assert.Equal(Enumerable.Range(0, group.Count()).Select(i => (long)i), group.Select(r => r.SequenceNumber));
        Assert.Equal(Tasks * PerTask, log.AppendCount);
        Assert.True(log.FlushCount < log.AppendCount, $"{log.FlushCount} flushes for {log.AppendCount} appends");
        Assert.True(log.GroupCommitCount < log.AppendCount, $"{log.GroupCommitCount} group commits for {log.AppendCount} appends");
    }

    [Fact]
    public async Task SmallSegmentBytes_RollsSegmentsAndReadsAcrossThemBeforeAndAfterReopen()
    {
        var options = _folder.Options(o => o.SegmentBytes = 4096);
        var p = StreamPartitioner.PartitionOf("roller", 4);
        var events = Enumerable.Range(0, 120).Select(i => Event("roller", $"r{i:D3}", padding: 150)).ToList();
        await using (var log = Open(options))
        {
            for (var i = 0; i < events.Count; i += 7)
                await log.AppendAsync(events.Skip(i).Take(7).ToList(), CancellationToken.None);
            Assert.Equal(events.Select(e => e.MessageId), (await ReadAllAsync(log, p)).Select(MessageIdOf));
        }

        var files = SegmentFiles(options, p);
        Assert.True(files.Length > 5, $"{files.Length} segments");
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 4096));

        await using (var log = Open(options))
        {
            var records = await ReadAllAsync(log, p, page: 11);
            Assert.Equal(events.Select(e => e.MessageId), records.Select(MessageIdOf));
            Assert.Equal(Enumerable.Range(0, 120).Select(i => (long)i), records.Select(r => r.SequenceNumber));
            var fromMiddle = await log.ReadAsync(p, 77, 3, CancellationToken.None);
            Assert.Equal([77L, 78, 79], fromMiddle.Records.Select(r => r.SequenceNumber));

            await log.AppendAsync([Event("roller", "after")], CancellationToken.None);
            var last = await log.ReadAsync(p, 120, 10, CancellationToken.None);
            Assert.Equal("after", MessageIdOf(Assert.Single(last.Records)));
            Assert.Equal(120, last.Records[0].SequenceNumber);
        }

        // Each segment is named after its first sequence number.
        var bases = SegmentFiles(options, p).Select(f => long.Parse(Path.GetFileNameWithoutExtension(f), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(0, bases[0]);
        Assert.Equal(bases.Order(), bases);
    }

    [Fact]
    public async Task RecordLargerThanASegment_GetsASegmentOfItsOwn()
    {
        var options = _folder.Options(o => o.SegmentBytes = 1024);
        await using var log = Open(options);
        await log.AppendAsync([Event("big", "small-1"), Event("big", "huge", padding: 5000), Event("big", "small-2")], CancellationToken.None);

        var p = StreamPartitioner.PartitionOf("big", 4);
        Assert.Equal(["small-1", "huge", "small-2"], (await ReadAllAsync(log, p)).Select(MessageIdOf));
        Assert.Equal(3, SegmentFiles(options, p).Length);
    }

    [Fact]
    public async Task FailedWrite_FaultsTheCallersAndLeavesNothingBehind()
    {
        var options = _folder.Options(o => o.SegmentBytes = 2048);
        var p = StreamPartitioner.PartitionOf("k", 4);
        await using (var log = Open(options))
        {
            await log.AppendAsync([Event("k", "good-0"), Event("k", "good-1")], CancellationToken.None);
            var fail = true;
            log.BeforeFlush = () =>
            {
                if (fail)
                {
                    fail = false;
                    throw new IOException("disk full (simulated)");
                }
            };

            // Big enough to roll into new segments, which the rollback must remove again.
            var doomed = Enumerable.Range(0, 20).Select(i => Event("k", $"doomed-{i}", padding: 300)).Append(Event("elsewhere", "doomed-x")).ToList();
            var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => log.AppendAsync(doomed, CancellationToken.None));
            Assert.IsType<IOException>(error.InnerException);
            Assert.Equal(1, log.FailedGroupCount);
            Assert.Equal(["good-0", "good-1"], (await ReadEverythingAsync(log)).Select(MessageIdOf));
            Assert.Single(SegmentFiles(options, p));
            Assert.True(await log.IsReachableAsync(CancellationToken.None));

            await log.AppendAsync([Event("k", "good-2")], CancellationToken.None);
            var records = await ReadAllAsync(log, p);
            Assert.Equal(["good-0", "good-1", "good-2"], records.Select(MessageIdOf));
            Assert.Equal([0L, 1, 2], records.Select(r => r.SequenceNumber));
        }

        await using (var log = Open(options))
            Assert.Equal(["good-0", "good-1", "good-2"], (await ReadEverythingAsync(log)).Select(MessageIdOf));
    }

    [Fact]
    public async Task FailedFlush_FaultsThatGroupAndEveryGroupWrittenAfterIt_AndRollsThemBack()
    {
        var options = _folder.Options();
        var k = StreamPartitioner.PartitionOf("k", 4);
        await using (var log = Open(options))
        {
            // Each group here has one file to flush (the journal): good-0's, then the second's.
            var flushed = 0;
            log.AfterDiskFlush = () => Interlocked.Increment(ref flushed);
            await log.AppendAsync([Event("k", "good-0")], CancellationToken.None);
            var committedEnds = log.GetEndSequences();
            var written = 0;
            var failNext = 1;
            using var release = new ManualResetEventSlim();
            log.BeforeFlush = () => Interlocked.Increment(ref written);
            log.BeforeDiskFlush = () =>
            {
                if (Interlocked.Exchange(ref failNext, 0) != 1) return;
                release.Wait(Patience);
                throw new IOException("fsync failed (simulated)");
            };

            // The first group hangs in its flush; the writer goes on and writes the second one behind it,
            // which is flushed (durable) while the first still hangs.
            var first = log.AppendAsync([Event("k", "doomed-0")], CancellationToken.None);
            await WaitUntilAsync(() => Volatile.Read(ref written) == 1);
            var second = log.AppendAsync([Event("k", "doomed-1"), Event("elsewhere", "doomed-2")], CancellationToken.None);
            await WaitUntilAsync(() => Volatile.Read(ref written) == 2 && Volatile.Read(ref flushed) == 2);

            // A third group: the writer writes it only after it went past the point where it commits
            // what is durable, with the second group durable by then.
            var third = log.AppendAsync([Event("k", "doomed-3")], CancellationToken.None);
            await WaitUntilAsync(() => Volatile.Read(ref written) == 3);
            // Nothing of the second group committed: the writer publishes the new ends and counts the
            // appends before it completes the callers, so a commit would show here already.
            Assert.Equal(committedEnds, log.GetEndSequences());
            Assert.Equal(1, log.AppendCount);
            Assert.False(second.IsCompleted, "a group must not be acknowledged before the groups written before it");

            release.Set();
            var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => first);
            Assert.IsType<IOException>(error.InnerException);
            await Assert.ThrowsAsync<StreamUnavailableException>(() => second);
            await Assert.ThrowsAsync<StreamUnavailableException>(() => third);
            Assert.Equal(3, log.FailedGroupCount);
            Assert.Equal(["good-0"], (await ReadEverythingAsync(log)).Select(MessageIdOf));
            Assert.True(await log.IsReachableAsync(CancellationToken.None));

            await log.AppendAsync([Event("k", "good-1")], CancellationToken.None);
            var records = await ReadAllAsync(log, k);
            Assert.Equal(["good-0", "good-1"], records.Select(MessageIdOf));
            Assert.Equal([0L, 1], records.Select(r => r.SequenceNumber));
        }

        await using (var log = Open(options))
            Assert.Equal(["good-0", "good-1"], (await ReadEverythingAsync(log)).Select(MessageIdOf));
    }

    [Fact]
    public async Task ManyConcurrentAppends_WithSegmentsRollingUnderPipelinedFlushes_KeepEveryEventInOrder()
    {
        var options = _folder.Options(o => o.SegmentBytes = 4096);
        const int Tasks = 16, PerTask = 40;
        await using (var log = Open(options))
        {
            await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
            {
                for (var i = 0; i < PerTask; i++)
                    await log.AppendAsync([Event($"roll-{t}", $"t{t}-{i}", padding: 100)], CancellationToken.None);
            }))).WaitAsync(Patience);
        }

        await using (var log = Open(options))
        {
            var ids = (await ReadEverythingAsync(log)).Select(MessageIdOf).ToList();
            Assert.Equal(Tasks * PerTask, ids.Distinct().Count());
            for (var t = 0; t < Tasks; t++)
                Assert.Equal(Enumerable.Range(0, PerTask).Select(i => $"t{t}-{i}"), ids.Where(id => id.StartsWith($"t{t}-", StringComparison.Ordinal)));
            for (var p = 0; p < 4; p++)
            {
                var records = await ReadAllAsync(log, p);
                Assert.Equal(Enumerable.Range(0, records.Count).Select(i => (long)i), records.Select(r => r.SequenceNumber));
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task AppendRaw_KeepsArbitraryBytes()
    {
        await using var log = Open(_folder.Options());
        var body = Encoding.UTF8.GetBytes("{not json");
        await log.AppendRawAsync("someone", body, CancellationToken.None);

        var record = Assert.Single(await ReadEverythingAsync(log));
        Assert.Equal(body, record.Body.ToArray());
    }

    [Fact]
    public async Task WaitForData_WakesWhenARecordIsCommitted()
    {
        await using var log = Open(_folder.Options());
        var p = StreamPartitioner.PartitionOf("w", 4);
        Assert.False(await log.WaitForDataAsync(p, 0, TimeSpan.Zero, CancellationToken.None));

        var waiting = log.WaitForDataAsync(p, 0, Patience, CancellationToken.None);
        await log.AppendAsync([Event("w", "m")], CancellationToken.None);

        Assert.True(await waiting.WaitAsync(Patience));
        Assert.False(await log.WaitForDataAsync(p, 1, TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task IsReachable_WhileOpen_NotAfterDispose()
    {
        var log = Open(_folder.Options());
        Assert.True(await log.IsReachableAsync(CancellationToken.None));
        await log.DisposeAsync();
        Assert.False(await log.IsReachableAsync(CancellationToken.None));
        await Assert.ThrowsAsync<StreamUnavailableException>(() => log.AppendAsync([Event("x", "y")], CancellationToken.None));
    }

    [Fact]
    public async Task Open_WithAnotherPartitionCount_IsRefusedWithAClearMessage()
    {
        await using (var log = Open(_folder.Options()))
            await log.AppendAsync([Event("x", "y")], CancellationToken.None);

        var error = Assert.Throws<InvalidOperationException>(() => Open(_folder.Options(o => o.Partitions = 8)));
        Assert.Contains("created with 4 partitions", error.Message, StringComparison.Ordinal);
        Assert.Contains("Stream:Partitions is 8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_TwiceAtOnce_IsRefused()
    {
        await using var log = Open(_folder.Options());
        var error = Assert.Throws<InvalidOperationException>(() => Open(_folder.Options()));
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_EmptyBatch_DoesNothing()
    {
        await using var log = Open(_folder.Options());
        await log.AppendAsync(Array.Empty<JourneyEvent>(), CancellationToken.None);
        Assert.Equal(0, log.AppendCount);
        Assert.Empty(await ReadEverythingAsync(log));
    }

    [Fact]
    public async Task Append_WithACancelledToken_ThrowsAndWritesNothing()
    {
        await using var log = Open(_folder.Options());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => log.AppendAsync([Event("c", "never")], cancelled.Token));
        await log.AppendAsync([Event("c", "kept")], CancellationToken.None);

        var record = Assert.Single(await ReadEverythingAsync(log));
        Assert.Equal("kept", MessageIdOf(record));
        Assert.Equal(0, record.SequenceNumber);
    }

    [Fact]
    public async Task Dispose_FirstWritesEverythingAlreadyQueued()
    {
        var options = _folder.Options();
        var log = Open(options);
        var pending = Enumerable.Range(0, 100).Select(i => log.AppendAsync([Event($"q{i % 9}", $"q{i}")], CancellationToken.None)).ToList();
        await log.DisposeAsync();

        await Task.WhenAll(pending).WaitAsync(Patience);
        await using var reopened = Open(options);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"q{i}").Order(), (await ReadEverythingAsync(reopened)).Select(MessageIdOf).Order());
    }
}
