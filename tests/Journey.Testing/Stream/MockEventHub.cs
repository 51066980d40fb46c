using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Journey.Domain.Events;
using Journey.Domain.Serialization;
using Moq;

namespace Journey.Testing.Stream;

/// <summary>
/// An Event Hub (the stream's, or the actions') as the Azure SDK's mocking guidance builds one: a Moq mock of <see cref="EventHubProducerClient"/>
/// (its members are virtual) whose <c>CreateBatchAsync</c> hands out batches from
/// <see cref="EventHubsModelFactory.EventDataBatch"/>, each taking events until their bodies reach
/// <see cref="BatchBodyLimit"/> bytes, and whose <c>SendAsync</c> records a batch as accepted once
/// <see cref="OnSend"/> (by default: at once) lets it through. Tests hold a send with a
/// <see cref="TaskCompletionSource"/> in <see cref="OnSend"/>, or fail it there.
/// </summary>
public sealed class MockEventHub
{
    public const string Namespace = "myns.servicebus.windows.net";
    public const string Hub = "journey-events";

    private readonly Lock _gate = new();
    private readonly Dictionary<EventDataBatch, (List<EventData> Store, CreateBatchOptions Options)> _contents = new(ReferenceEqualityComparer.Instance);
    private readonly List<SentBatch> _sent = [];
    private int _batchesCreated;

    public MockEventHub(long batchBodyLimit = 1_000_000)
    {
        BatchBodyLimit = batchBodyLimit;
        Client.Setup(c => c.CreateBatchAsync(It.IsAny<CreateBatchOptions>(), It.IsAny<CancellationToken>()))
            .Returns((CreateBatchOptions options, CancellationToken _) => new ValueTask<EventDataBatch>(CreateBatch(options)));
        Client.Setup(c => c.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()))
            .Returns((EventDataBatch batch, CancellationToken ct) => SendAsync(batch, ct));
        Client.Setup(c => c.GetEventHubPropertiesAsync(It.IsAny<CancellationToken>()))
            .Returns((CancellationToken ct) => Properties(ct));
    }

    /// <summary>The mocked client; give <c>Client.Object</c> to the producer.</summary>
    public Mock<EventHubProducerClient> Client { get; } = new();

    /// <summary>Bytes of event bodies a batch takes (the SDK counts its AMQP envelope too; the body is what varies).</summary>
    public long BatchBodyLimit { get; set; }

    /// <summary>Runs when a batch is sent, before it counts as accepted: hold it (await a task), or throw to fail the send.</summary>
    public Func<SentBatch, CancellationToken, Task> OnSend { get; set; } = (_, _) => Task.CompletedTask;

    /// <summary>Runs when the producer asks for the hub's properties (its health probe).</summary>
    public Func<CancellationToken, Task<EventHubProperties>> Properties { get; set; } =
        _ => Task.FromResult(EventHubsModelFactory.EventHubProperties(Hub, DateTimeOffset.UnixEpoch, ["0", "1", "2", "3"]));

    /// <summary>Batches the hub accepted, in the order their sends completed.</summary>
    public IReadOnlyList<SentBatch> Sent
    {
        get
        {
            lock (_gate) return [.. _sent];
        }
    }

    public int BatchesCreated => Volatile.Read(ref _batchesCreated);

    /// <summary>Every accepted event per partition key, in the order the hub accepted them.</summary>
    public IReadOnlyDictionary<string, List<JourneyEvent>> AcceptedByPartitionKey()
    {
        var result = new Dictionary<string, List<JourneyEvent>>(StringComparer.Ordinal);
        foreach (var batch in Sent)
        {
            if (!result.TryGetValue(batch.PartitionKey, out var list)) result[batch.PartitionKey] = list = [];
            list.AddRange(batch.Events);
        }

        return result;
    }

    private EventDataBatch CreateBatch(CreateBatchOptions options)
    {
        Interlocked.Increment(ref _batchesCreated);
        var store = new List<EventData>();
        long bodyBytes = 0;
        var batch = EventHubsModelFactory.EventDataBatch(
            BatchBodyLimit,
            store,
            options,
            data =>
            {
                var size = data.EventBody.ToMemory().Length;
                if (bodyBytes + size > BatchBodyLimit) return false;
                bodyBytes += size;
                return true;
            });
        lock (_gate) _contents[batch] = (store, options);
        return batch;
    }

    private async Task SendAsync(EventDataBatch batch, CancellationToken cancellationToken)
    {
        List<EventData> store;
        CreateBatchOptions options;
        lock (_gate) (store, options) = _contents[batch];
        var sent = new SentBatch(options.PartitionKey ?? "", [.. store]);
        await OnSend(sent, cancellationToken);
        lock (_gate) _sent.Add(sent);
    }
}

/// <summary>One batch a producer sent: its partition key and the raw <see cref="EventData"/>.</summary>
public sealed record SentBatch(string PartitionKey, IReadOnlyList<EventData> Data)
{
    /// <summary>The collector's events, decoded from the bodies (a batch of the stream).</summary>
    public IReadOnlyList<JourneyEvent> Events => [.. Data.Select(d => JourneyJson.Deserialize<JourneyEvent>(d.EventBody.ToMemory().Span))];
}
