using System.Collections.Concurrent;
using Journey.Adapters.Stream.Embedded;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Journey.Adapters.Tests.Stream.StreamTestData;

namespace Journey.Adapters.Tests.Stream;

public sealed class EmbeddedStreamDispatcherTests : IAsyncLifetime
{
    private readonly TempDataFolder _folder = new();
    private readonly RecordingProcessor _processor = new();

    /// <summary>The dispatcher's clock: its backoffs wait until the test advances it.</summary>
    private readonly RecordingTimeProvider _clock = new(T0);
    private EmbeddedStreamOptions _options = null!;
    private EmbeddedEventLog _log = null!;
    private CheckpointStore _checkpoints = null!;
    private EmbeddedStreamDispatcher? _dispatcher;

    public Task InitializeAsync()
    {
        _options = _folder.Options(o =>
        {
            o.RetryDelay = TimeSpan.FromMilliseconds(5);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(50);
            o.BatchSize = 10;
            // The log stands on a fake clock of its own that no test advances: a partly filled batch is
            // taken as it is (waiting for it to fill would last until the clock moved).
            o.MaxBatchWait = TimeSpan.Zero;
        });
        _log = Open(_options);
        _checkpoints = new CheckpointStore(Options.Create(_options));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_dispatcher is not null) await _dispatcher.StopAsync(CancellationToken.None);
        _dispatcher?.Dispose();
        await _log.DisposeAsync();
        _folder.Dispose();
    }

    private async Task<EmbeddedStreamDispatcher> StartAsync()
    {
        _dispatcher = new EmbeddedStreamDispatcher(_log, _checkpoints, _processor, Options.Create(_options), _clock, NullLogger<EmbeddedStreamDispatcher>.Instance);
        await _dispatcher.StartAsync(CancellationToken.None);
        return _dispatcher;
    }

    private async Task AppendAsync(int count, string prefix = "m", Func<int, string>? key = null)
    {
        for (var i = 0; i < count; i += 20)
        {
            var batch = Enumerable.Range(i, Math.Min(20, count - i)).Select(n => Event(key?.Invoke(n) ?? $"profile-{n % 13}", $"{prefix}{n}")).ToList();
            await _log.AppendAsync(batch, CancellationToken.None);
        }
    }

    private Dictionary<string, long> PersistedCheckpoints() =>
        new CheckpointStore(Options.Create(_options)).Get("journey").ToDictionary();

    private Dictionary<string, long> LogEnds() =>
        _log.PartitionIds.Select((p, i) => (p, _log.GetEndSequence(i))).Where(x => x.Item2 > 0).ToDictionary(x => x.p, x => x.Item2);

    [Fact]
    public async Task Dispatcher_DeliversEveryRecordInOrderAndCheckpointsTheEnd()
    {
        await AppendAsync(250);
        var dispatcher = await StartAsync();
        await AppendAsync(150, prefix: "late-");

        await dispatcher.WaitUntilDrainedAsync(CancellationToken.None).WaitAsync(Patience);

        var seen = _processor.Records.Select(MessageIdOf).ToHashSet();
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"m{i}").Concat(Enumerable.Range(0, 150).Select(i => $"late-{i}")).ToHashSet(), seen);
        foreach (var partition in _processor.Records.GroupBy(r => r.Partition))
            Assert.Equal(partition.Select(r => r.SequenceNumber).Order(), partition.Select(r => r.SequenceNumber));
        Assert.All(_processor.Batches, b => Assert.InRange(b.Count, 1, 10));
        Assert.Equal(LogEnds(), PersistedCheckpoints());
        var status = dispatcher.GetStatus();
        Assert.Equal(0, status.Lag);
        Assert.Equal(400, status.EventsProcessed);
        Assert.Equal(_processor.Batches.Count, status.Batches);
    }

    [Fact]
    public async Task ProcessorThatThrowsOnce_GetsTheSameBatchAgain()
    {
        _processor.FailCalls = 1;
        await AppendAsync(25, key: _ => "one-profile");
        var dispatcher = await StartAsync();

        // The failed batch waits RetryDelay on the dispatcher's clock, then goes again.
        await _clock.WaitForTimersAsync(Ms(5));
        Assert.Equal(1, dispatcher.GetStatus().FailedAttempts);
        Assert.Single(_processor.Batches);
        _clock.Advance(Ms(5));
        await dispatcher.WaitUntilDrainedAsync(CancellationToken.None).WaitAsync(Patience);

        var batches = _processor.Batches.ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), batches[0].Select(r => r.SequenceNumber));
        Assert.Equal(batches[0].Select(r => r.SequenceNumber), batches[1].Select(r => r.SequenceNumber));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i), batches.Skip(1).SelectMany(b => b).Select(r => r.SequenceNumber));
        Assert.Equal(1, dispatcher.GetStatus().FailedAttempts);
        Assert.Equal(25, dispatcher.GetStatus().EventsProcessed);
        Assert.Equal(new Dictionary<string, long> { [Partition("one-profile")] = 25 }, PersistedCheckpoints());
    }

    [Fact]
    public async Task Checkpoint_AdvancesOnlyAfterTheProcessorSucceeds()
    {
        _processor.FailCalls = int.MaxValue;
        await AppendAsync(5, key: _ => "stuck");
        var dispatcher = await StartAsync();

        // Failing: retried again and again, and the checkpoint does not move.
        await _clock.WaitForTimersAsync(Ms(5));
        _clock.Advance(Ms(5));
        await _clock.WaitForTimersAsync(Ms(10));
        _clock.Advance(Ms(10));
        await _clock.WaitForTimersAsync(Ms(20));
        Assert.Equal(3, dispatcher.GetStatus().FailedAttempts);
        Assert.Empty(PersistedCheckpoints());
        Assert.Equal(5, dispatcher.GetStatus().Lag);

        // Succeeding but not yet returned: still no checkpoint.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _processor.Gate = gate.Task;
        _processor.FailCalls = 0;
        _clock.Advance(Ms(20));
        await WaitUntil(() => _processor.WaitingAtGate);
        Assert.Empty(PersistedCheckpoints());

        gate.SetResult();
        await dispatcher.WaitUntilDrainedAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(new Dictionary<string, long> { [Partition("stuck")] = 5 }, PersistedCheckpoints());
        Assert.All(_processor.Batches, b => Assert.Equal([0L, 1, 2, 3, 4], b.Select(r => r.SequenceNumber)));
    }

    [Fact]
    public async Task ProcessorThatKeepsFailing_IsRetriedAfterABackoffThatDoublesUpToMaxRetryDelay()
    {
        _processor.FailCalls = int.MaxValue;
        await AppendAsync(3, key: _ => "stuck");
        var dispatcher = await StartAsync();

        TimeSpan[] backoffs = [Ms(5), Ms(10), Ms(20), Ms(40), Ms(50), Ms(50), Ms(50)];
        for (var i = 0; i < backoffs.Length; i++)
        {
            await _clock.WaitForTimersAsync(backoffs[i], count: backoffs[..(i + 1)].Count(b => b == backoffs[i]));
            Assert.Equal(i + 1, dispatcher.GetStatus().FailedAttempts);
            Assert.Equal(i + 1, _processor.Batches.Count);
            _clock.Advance(backoffs[i]);
        }

        await WaitUntil(() => _processor.Batches.Count == backoffs.Length + 1);
        Assert.All(_processor.Batches, b => Assert.Equal([0L, 1, 2], b.Select(r => r.SequenceNumber)));
        Assert.Empty(PersistedCheckpoints());
    }

    [Fact]
    public async Task BusyPartition_IsCheckpointedOnceCheckpointIntervalHasPassed_AndWhenItCatchesUp()
    {
        await AppendAsync(25, key: _ => "busy");
        var turnstile = new SemaphoreSlim(0); // not disposed: the processor may still wait on it until the dispatcher stops
        _processor.Turnstile = turnstile;
        var dispatcher = await StartAsync();
        var partition = Partition("busy");

        // Batch 0-9 done behind the end, within the interval: the dispatcher reads on without a checkpoint.
        await WaitUntil(() => _processor.Arrivals == 1);
        turnstile.Release();
        await WaitUntil(() => _processor.Arrivals == 2);
        Assert.Empty(PersistedCheckpoints());

        // Batch 10-19 done once the interval has passed: checkpointed although still behind.
        _clock.Advance(_options.CheckpointInterval);
        turnstile.Release();
        await WaitUntil(() => _processor.Arrivals == 3);
        Assert.Equal(new Dictionary<string, long> { [partition] = 20 }, PersistedCheckpoints());

        // Batch 20-24 reaches the end: checkpointed at once.
        turnstile.Release();
        await dispatcher.WaitUntilDrainedAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(new Dictionary<string, long> { [partition] = 25 }, PersistedCheckpoints());
        Assert.Equal([10, 10, 5], _processor.Batches.Select(b => b.Count));
    }

    [Fact]
    public async Task Restart_ResumesAfterTheCheckpoint()
    {
        await AppendAsync(60);
        var first = await StartAsync();
        await first.WaitUntilDrainedAsync(CancellationToken.None).WaitAsync(Patience);
        await first.StopAsync(CancellationToken.None);
        first.Dispose();
        _dispatcher = null;

        await AppendAsync(40, prefix: "second-");
        _processor.Clear();
        var second = await StartAsync();
        await second.WaitUntilDrainedAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"second-{i}").Order(), _processor.Records.Select(MessageIdOf).Order());
        Assert.Equal(LogEnds(), PersistedCheckpoints());
    }

    [Fact]
    public async Task WaitUntilDrained_OnAnEmptyLog_CompletesAtOnce()
    {
        var dispatcher = await StartAsync();
        await dispatcher.WaitUntilDrainedAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Empty(_processor.Batches);
    }

    [Fact]
    public async Task WaitUntilDrained_AfterTheDispatcherStopped_Throws()
    {
        await AppendAsync(5);
        _processor.FailCalls = int.MaxValue;
        var dispatcher = await StartAsync();
        await dispatcher.StopAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.WaitUntilDrainedAsync(CancellationToken.None).WaitAsync(Patience));
    }

    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    private static string Partition(string key) => StreamPartitioner.PartitionOf(key, 4).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true within the patience limit.");
            await Task.Delay(5);
        }
    }

    private sealed class RecordingProcessor : IJourneyProcessor
    {
        private readonly ConcurrentQueue<IReadOnlyList<StreamRecord>> _batches = new();
        private int _calls;

        public volatile int FailCalls;

        public volatile Task? Gate;

        public volatile bool WaitingAtGate;

        /// <summary>When set, every call waits for its own turn (a release) before it returns.</summary>
        public volatile SemaphoreSlim? Turnstile;

        private int _arrivals;

        /// <summary>Calls that reached the turnstile.</summary>
        public int Arrivals => Volatile.Read(ref _arrivals);

        public IReadOnlyList<IReadOnlyList<StreamRecord>> Batches => [.. _batches];

        /// <summary>Records of every batch handed to the processor (failed attempts included).</summary>
        public IEnumerable<StreamRecord> Records => Batches.SelectMany(b => b);

        public void Clear() => _batches.Clear();

        public async Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> batch, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            if (call <= FailCalls)
            {
                _batches.Enqueue([.. batch]);
                throw new InvalidOperationException("store unavailable (simulated)");
            }

            if (Gate is { } gate)
            {
                WaitingAtGate = true;
                await gate.WaitAsync(cancellationToken);
            }

            if (Turnstile is { } turnstile)
            {
                Interlocked.Increment(ref _arrivals);
                await turnstile.WaitAsync(cancellationToken);
            }

            _batches.Enqueue([.. batch]);
            return new BatchResult(batch.Count, batch.Count, 0, 0, 0, 0, 0);
        }
    }
}
