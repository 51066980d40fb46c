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
        });
        _log = Open(_options, TimeProvider.System);
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
        _dispatcher = new EmbeddedStreamDispatcher(_log, _checkpoints, _processor, Options.Create(_options), TimeProvider.System, NullLogger<EmbeddedStreamDispatcher>.Instance);
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
        await WaitUntil(() => dispatcher.GetStatus().FailedAttempts >= 3);
        Assert.Empty(PersistedCheckpoints());
        Assert.Equal(5, dispatcher.GetStatus().Lag);

        // Succeeding but not yet returned: still no checkpoint.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _processor.Gate = gate.Task;
        _processor.FailCalls = 0;
        await WaitUntil(() => _processor.WaitingAtGate);
        Assert.Empty(PersistedCheckpoints());

        gate.SetResult();
        await dispatcher.WaitUntilDrainedAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(new Dictionary<string, long> { [Partition("stuck")] = 5 }, PersistedCheckpoints());
        Assert.All(_processor.Batches, b => Assert.Equal([0L, 1, 2, 3, 4], b.Select(r => r.SequenceNumber)));
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

            _batches.Enqueue([.. batch]);
            return new BatchResult(batch.Count, batch.Count, 0, 0, 0, 0, 0);
        }
    }
}
