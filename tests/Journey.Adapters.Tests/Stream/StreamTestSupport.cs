using System.Collections.Concurrent;
using Journey.Adapters.Stream.Embedded;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Adapters.Tests.Stream;

/// <summary>A temporary data folder, deleted afterwards.</summary>
public sealed class TempDataFolder : IDisposable
{
    public TempDataFolder() => System.IO.Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "journey-stream-tests", Guid.NewGuid().ToString("N"));

    public EmbeddedStreamOptions Options(Action<EmbeddedStreamOptions>? configure = null)
    {
        // A small journal: each test's log writes it full of zeros when created.
        var options = new EmbeddedStreamOptions { DataDirectory = Path, JournalBytes = 256 * 1024 };
        configure?.Invoke(options);
        return options;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// A <see cref="FakeTimeProvider"/> that remembers the due time of every timer made from it
/// (<c>Task.Delay</c>, <c>WaitAsync</c> timeouts and delayed cancellations each make one): a test
/// waits until the code under test is waiting on the clock, sees how long it means to wait, and
/// only then advances the clock.
/// </summary>
public sealed class RecordingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentQueue<TimeSpan> _dueTimes = new();

    /// <summary>The due time of every timer made so far, in order.</summary>
    public IReadOnlyList<TimeSpan> DueTimes => [.. _dueTimes];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _dueTimes.Enqueue(dueTime); // recorded once the timer is set: advancing the clock from now on reaches it
        return timer;
    }

    /// <summary>Waits until <paramref name="count"/> timers due after <paramref name="dueTime"/> have been made (bounded, for liveness only).</summary>
    public async Task WaitForTimersAsync(TimeSpan dueTime, int count = 1)
    {
        using var patience = new CancellationTokenSource(StreamTestData.Patience);
        while (_dueTimes.Count(d => d == dueTime) < count)
        {
            if (patience.IsCancellationRequested)
                Assert.Fail($"No timer due after {dueTime} was made within the patience limit (timers made: {string.Join(", ", _dueTimes)}).");
            await Task.Delay(5, CancellationToken.None);
        }
    }
}

public static class StreamTestData
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    public static JourneyEvent Event(string profileKey, string messageId, string name = "Product Viewed", int padding = 0) => new()
    {
        MessageId = messageId,
        Type = MessageType.Track,
        Event = name,
        AnonymousId = profileKey,
        Timestamp = T0,
        ReceivedAt = T0,
        Device = DeviceClass.Desktop,
        Channel = "direct",
        UserAgent = padding > 0 ? new string('x', padding) : null,
    };

    /// <summary>Opens the log on <paramref name="time"/>, by default a fake clock standing at <see cref="T0"/> (a wait with a timeout ends by the clock only when the test advances it).</summary>
    public static EmbeddedEventLog Open(EmbeddedStreamOptions options, TimeProvider? time = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options), time ?? new FakeTimeProvider(T0));

    public static string MessageIdOf(StreamRecord record) => JourneyJson.Deserialize<JourneyEvent>(record.Body.Span).MessageId;

    /// <summary>Every committed record of a partition, read in small pages to exercise the index and the read hint.</summary>
    public static async Task<List<StreamRecord>> ReadAllAsync(EmbeddedEventLog log, int partition, int page = 37)
    {
        var all = new List<StreamRecord>();
        long next = 0;
        while (true)
        {
            var result = await log.ReadAsync(partition, next, page, CancellationToken.None);
            all.AddRange(result.Records);
            if (result.NextSequence == next && result.Records.Count == 0) return all;
            next = result.NextSequence;
        }
    }

    public static async Task<List<StreamRecord>> ReadEverythingAsync(EmbeddedEventLog log)
    {
        var all = new List<StreamRecord>();
        for (var p = 0; p < log.PartitionIds.Count; p++)
            all.AddRange(await ReadAllAsync(log, p));
        return all;
    }

    public static string PartitionDirectory(EmbeddedStreamOptions options, int partition) =>
        Path.Combine(options.StreamDirectory, "partitions", partition.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static string[] SegmentFiles(EmbeddedStreamOptions options, int partition) =>
        [.. Directory.GetFiles(PartitionDirectory(options, partition), "*.log").Order(StringComparer.Ordinal)];

    /// <summary>Bounded wait for liveness only (never a timing assertion).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
}
