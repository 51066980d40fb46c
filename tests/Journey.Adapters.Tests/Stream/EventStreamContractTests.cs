using Azure.Messaging.EventHubs;
using Journey.Adapters.Stream.Embedded;
using Journey.Adapters.Stream.EventHubs;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Journey.Testing.Stream;
using static Journey.Adapters.Tests.Stream.StreamTestData;

namespace Journey.Adapters.Tests.Stream;

// The IEventStream contract, run against each adapter.

/// <summary>The embedded durable log (a fresh data folder per test); it fails once shut down.</summary>
public sealed class EmbeddedEventLogContractTests : EventStreamContract
{
    private readonly TempDataFolder _folder = new();
    private EmbeddedEventLog? _log;

    protected override Task<IEventStream> CreateStreamAsync()
    {
        _log = Open(_folder.Options());
        return Task.FromResult<IEventStream>(_log);
    }

    protected override async Task<IReadOnlyList<AcceptedPartition>> ReadAcceptedAsync()
    {
        var partitions = new List<AcceptedPartition>();
        for (var p = 0; p < _log!.PartitionIds.Count; p++)
        {
            var records = await ReadAllAsync(_log, p);
            if (records.Count == 0) continue;
            partitions.Add(new AcceptedPartition(records[0].Partition, [.. records.Select(r => JourneyJson.Deserialize<JourneyEvent>(r.Body.Span))]));
        }

        return partitions;
    }

    protected override async Task MakeUnavailableAsync() => await _log!.DisposeAsync();

    protected override async Task DisposeStreamAsync()
    {
        if (_log is not null) await _log.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>The Event Hubs producer over a mocked client with small batches (so that appends fill several); it fails when the hub refuses sends.</summary>
public sealed class EventHubsProducerContractTests : EventStreamContract
{
    private readonly MockEventHub _hub = new(batchBodyLimit: 4096);
    private EventHubsProducer? _producer;

    protected override Task<IEventStream> CreateStreamAsync()
    {
        _producer = new EventHubsProducer(_hub.Client.Object, new EventHubsOptions { FullyQualifiedNamespace = MockEventHub.Namespace });
        return Task.FromResult<IEventStream>(_producer);
    }

    protected override Task<IReadOnlyList<AcceptedPartition>> ReadAcceptedAsync() =>
        Task.FromResult<IReadOnlyList<AcceptedPartition>>([.. _hub.AcceptedByPartitionKey().Select(p => new AcceptedPartition(p.Key, p.Value))]);

    protected override Task MakeUnavailableAsync()
    {
        _hub.OnSend = (_, _) => throw new EventHubsException(isTransient: true, MockEventHub.Hub, "The service is busy.", EventHubsException.FailureReason.ServiceBusy);
        return Task.CompletedTask;
    }

    protected override async Task DisposeStreamAsync()
    {
        if (_producer is not null) await _producer.DisposeAsync();
    }
}
