using Journey.Domain.Events;
using Journey.Domain.Ports;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Functions.Tests.Import;

/// <summary>An <see cref="IEventStream"/> that keeps every appended event, and can refuse the first appends.</summary>
public sealed class RecordingEventStream : IEventStream
{
    private readonly object gate = new();
    private readonly List<JourneyEvent> appended = [];
    private int failuresLeft;
    private int inFlight;

    /// <summary>The first <paramref name="failures"/> appends throw <see cref="StreamUnavailableException"/>.</summary>
    public RecordingEventStream(int failures = 0) => failuresLeft = failures;

    public IReadOnlyList<JourneyEvent> Events
    {
        get { lock (gate) return appended.ToList(); }
    }

    public int Appends { get; private set; }

    public int MaxConcurrentAppends { get; private set; }

    public int LargestAppend { get; private set; }

    public async Task AppendAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            inFlight++;
            MaxConcurrentAppends = Math.Max(MaxConcurrentAppends, inFlight);
        }
        try
        {
            await Task.Yield();
            lock (gate)
            {
                if (failuresLeft > 0)
                {
                    failuresLeft--;
                    throw new StreamUnavailableException("test stream refuses", retryAfter: TimeSpan.Zero);
                }
                Appends++;
                LargestAppend = Math.Max(LargestAppend, events.Count);
                appended.AddRange(events);
            }
        }
        finally
        {
            lock (gate) inFlight--;
        }
    }

    public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => Task.FromResult(true);
}

/// <summary>The import tests' clock: a fake one standing at <see cref="Now"/> (every event's receivedAt).</summary>
public static class ImportClock
{
    public static readonly DateTimeOffset Now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Create() => new(Now);
}
