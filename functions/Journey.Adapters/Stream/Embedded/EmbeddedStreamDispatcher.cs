using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>
/// Local mode's stand-in for the Event Hubs trigger: one loop per partition of the
/// <see cref="EmbeddedEventLog"/> reads batches from the consumer group's checkpoint, hands them to
/// <see cref="IJourneyProcessor.ProcessAsync"/> (the same code path as the cloud trigger) and
/// checkpoints past a batch only after the processor returned. When the processor throws, the loop
/// logs, backs off (exponentially, capped) and retries the same batch: at-least-once delivery,
/// in order per partition.
/// </summary>
public sealed class EmbeddedStreamDispatcher : BackgroundService
{
    /// <summary>How long an idle partition loop sleeps before it looks again without a signal.</summary>
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(5);

    private readonly EmbeddedEventLog _log;
    private readonly CheckpointStore _checkpoints;
    private readonly IJourneyProcessor _processor;
    private readonly EmbeddedStreamOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<EmbeddedStreamDispatcher> _logger;
    private readonly long[] _checkpointed;
    private TaskCompletionSource _progress = NewSignal();
    private long _eventsProcessed;
    private long _batches;
    private long _failedAttempts;

    public EmbeddedStreamDispatcher(
        EmbeddedEventLog log,
        CheckpointStore checkpoints,
        IJourneyProcessor processor,
        IOptions<EmbeddedStreamOptions> options,
        TimeProvider timeProvider,
        ILogger<EmbeddedStreamDispatcher> logger)
    {
        _log = log;
        _checkpoints = checkpoints;
        _processor = processor;
        _options = options.Value;
        _options.ThrowIfInvalid();
        _time = timeProvider;
        _logger = logger;
        var saved = checkpoints.Get(_options.ConsumerGroup);
        _checkpointed = [.. log.PartitionIds.Select(p => saved.GetValueOrDefault(p, 0))];
    }

    /// <summary>Counters and lag, for logging and health.</summary>
    public EmbeddedStreamStatus GetStatus()
    {
        var partitions = new List<PartitionStatus>(_checkpointed.Length);
        for (var p = 0; p < _checkpointed.Length; p++)
        {
            var end = _log.GetEndSequence(p);
            var checkpoint = Volatile.Read(ref _checkpointed[p]);
            partitions.Add(new PartitionStatus(_log.PartitionIds[p], checkpoint, end, Math.Max(0, end - checkpoint)));
        }

        return new EmbeddedStreamStatus(
            Interlocked.Read(ref _eventsProcessed),
            Interlocked.Read(ref _batches),
            Interlocked.Read(ref _failedAttempts),
            partitions.Sum(p => p.Lag),
            partitions);
    }

    /// <summary>
    /// Completes when every partition's checkpoint has reached the end the log had when this was
    /// called (everything appended before the call is processed and checkpointed).
    /// </summary>
    /// <exception cref="InvalidOperationException">The dispatcher stopped before the stream was drained.</exception>
    public async Task WaitUntilDrainedAsync(CancellationToken cancellationToken)
    {
        var targets = _log.GetEndSequences();
        while (true)
        {
            var progress = Volatile.Read(ref _progress).Task;
            var drained = true;
            for (var p = 0; p < targets.Length && drained; p++)
                drained = Volatile.Read(ref _checkpointed[p]) >= targets[p];
            if (drained) return;
            if (ExecuteTask is { IsCompleted: true })
                throw new InvalidOperationException("The stream dispatcher has stopped before the stream was drained.");
            try
            {
                await progress.WaitAsync(TimeSpan.FromSeconds(1), _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Look again (the fallback for a dispatcher that stopped in between).
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        _logger.DispatcherStarted(_checkpointed.Length, _options.ConsumerGroup, _options.BatchSize);
        var loops = Enumerable.Range(0, _checkpointed.Length).Select(p => RunPartitionAsync(p, stoppingToken)).ToList();
        loops.Add(RunHousekeepingAsync(stoppingToken));
        try
        {
            await Task.WhenAll(loops);
        }
        finally
        {
            var status = GetStatus();
            _logger.DispatcherStopped(status.EventsProcessed, status.Batches, status.FailedAttempts, status.Lag);
            Volatile.Read(ref _progress).TrySetResult();
        }
    }

    private async Task RunPartitionAsync(int partition, CancellationToken stoppingToken)
    {
        var name = _log.PartitionIds[partition];
        var next = Volatile.Read(ref _checkpointed[partition]);
        var lastCheckpoint = _time.GetTimestamp();
        var readFailures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            StreamReadResult read;
            try
            {
                read = await ReadBatchAsync(partition, next, stoppingToken);
                readFailures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                readFailures++;
                var delay = Backoff(readFailures);
                _logger.ReadFailed(ex, name, next, readFailures, delay);
                if (!await DelayAsync(delay, stoppingToken)) return;
                continue;
            }

            if (read.Records.Count == 0 && read.NextSequence == next)
            {
                try
                {
                    await _log.WaitForDataAsync(partition, next, IdleWait, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            if (read.Records.Count > 0 && !await ProcessAsync(name, read.Records, stoppingToken)) return;
            next = read.NextSequence;

            // Checkpoint when caught up, else at most every CheckpointInterval: a checkpoint costs
            // two fsyncs, and re-applying the batches after an older checkpoint changes nothing.
            if (next >= _log.GetEndSequence(partition) || _time.GetElapsedTime(lastCheckpoint) >= _options.CheckpointInterval)
            {
                if (!await CheckpointAsync(partition, name, next, stoppingToken)) return;
                lastCheckpoint = _time.GetTimestamp();
            }
        }
    }

    /// <summary>Reads up to a batch; when it is short and at the end of the log, waits briefly (MaxBatchWait) for more and takes what is there.</summary>
    private async Task<StreamReadResult> ReadBatchAsync(int partition, long next, CancellationToken stoppingToken)
    {
        var read = await _log.ReadAsync(partition, next, _options.BatchSize, stoppingToken);
        var count = read.Records.Count;
        if (count == 0 || count >= _options.BatchSize || _options.MaxBatchWait <= TimeSpan.Zero) return read;
        if (!await _log.WaitForDataAsync(partition, read.NextSequence, _options.MaxBatchWait, stoppingToken)) return read;
        var more = await _log.ReadAsync(partition, read.NextSequence, _options.BatchSize - count, stoppingToken);
        if (more.Records.Count == 0) return read with { NextSequence = Math.Max(read.NextSequence, more.NextSequence) };
        return new StreamReadResult([.. read.Records, .. more.Records], more.NextSequence);
    }

    /// <summary>Runs the processor on the batch until it succeeds; false only when stopping.</summary>
    private async Task<bool> ProcessAsync(string partition, IReadOnlyList<StreamRecord> batch, CancellationToken stoppingToken)
    {
        var first = batch[0].SequenceNumber;
        var last = batch[^1].SequenceNumber;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await _processor.ProcessAsync(batch, stoppingToken);
                Interlocked.Add(ref _eventsProcessed, batch.Count);
                Interlocked.Increment(ref _batches);
                _logger.BatchProcessed(partition, first, last, result.Applied, result.Duplicates, result.DeadLettered);
                return true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _failedAttempts);
                var delay = Backoff(attempt);
                _logger.BatchFailed(ex, partition, first, last, attempt, delay);
                if (!await DelayAsync(delay, stoppingToken)) return false;
            }
        }
    }

    /// <summary>Persists the checkpoint until it succeeds; false only when stopping.</summary>
    private async Task<bool> CheckpointAsync(int partition, string name, long next, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _checkpoints.CommitAsync(_options.ConsumerGroup, name, next, stoppingToken);
                Volatile.Write(ref _checkpointed[partition], next);
                Interlocked.Exchange(ref _progress, NewSignal()).TrySetResult();
                return true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                var delay = Backoff(attempt);
                _logger.CheckpointFailed(ex, name, next, attempt, delay);
                if (!await DelayAsync(delay, stoppingToken)) return false;
            }
        }
    }

    private async Task RunHousekeepingAsync(CancellationToken stoppingToken)
    {
        long lastEvents = -1;
        while (await DelayAsync(_options.HousekeepingInterval, stoppingToken))
        {
            try
            {
                var status = GetStatus();
                if (status.EventsProcessed != lastEvents || status.Lag > 0)
                {
                    _logger.DispatcherProgress(
                        status.EventsProcessed, status.Batches, status.FailedAttempts, status.Lag,
                        _log.AppendCount, _log.GroupCommitCount, _log.FlushCount, _log.CheckpointCount);
                    lastEvents = status.EventsProcessed;
                }

                _log.ApplyRetention(_checkpoints);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.HousekeepingFailed(ex, _options.HousekeepingInterval);
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var ticks = _options.RetryDelay.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(ticks, _options.MaxRetryDelay.Ticks));
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, _time, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What the dispatcher has done, and how far behind the log it is (in records).</summary>
public sealed record EmbeddedStreamStatus(long EventsProcessed, long Batches, long FailedAttempts, long Lag, IReadOnlyList<PartitionStatus> Partitions);

/// <summary>One partition: the consumer group's checkpoint (next sequence to read), the log's end, and the difference.</summary>
public sealed record PartitionStatus(string Partition, long Checkpoint, long EndSequence, long Lag);
