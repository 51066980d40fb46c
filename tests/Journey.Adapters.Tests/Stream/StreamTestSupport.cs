using Journey.Adapters.Stream.Embedded;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Extensions.Options;

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

/// <summary>A clock the test sets; timers stay real (only <see cref="GetUtcNow"/> is overridden).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public DateTimeOffset Now
    {
        get => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _ticks, value.UtcTicks);
    }

    public override DateTimeOffset GetUtcNow() => Now;
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

    public static EmbeddedEventLog Open(EmbeddedStreamOptions options, TimeProvider? time = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options), time ?? new ManualClock(T0));

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
