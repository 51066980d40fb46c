using Journey.Application.Processing;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Domain.Stages;
using Journey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Application.Tests.Support;

/// <summary>A processor over the in-memory store, with its own stream sequence per partition and a fake clock (a day after <see cref="Events.T0"/>).</summary>
public sealed class ProcessorHarness
{
    private readonly Dictionary<string, long> _next = [];

    public ProcessorHarness(JourneyRulesOptions? options = null)
    {
        Options = options ?? new JourneyRulesOptions();
        Processor = CreateProcessor(Store, Store, Store, Options, Clock);
    }

    /// <summary>A processor wired as the composition root wires it, over these stores.</summary>
    public static JourneyProcessor CreateProcessor(ICustomerStore customers, ITransitionStore transitions, IDeadLetterStore deadLetters, JourneyRulesOptions options, TimeProvider clock) =>
        Processors.Create(customers, transitions, deadLetters, options, clock);

    public InMemoryJourneyStore Store { get; } = new();
    public FakeTimeProvider Clock { get; } = new(Events.T0.AddDays(1));
    public JourneyRulesOptions Options { get; }
    public JourneyProcessor Processor { get; }

    /// <summary>Sends the events as one batch on the partition.</summary>
    public Task<BatchResult> SendAsync(string partition, params JourneyEvent[] events)
    {
        var first = _next.GetValueOrDefault(partition);
        _next[partition] = first + events.Length;
        return Processor.ProcessAsync(Events.Records(events, partition, first), CancellationToken.None);
    }

    public Task<BatchResult> SendAsync(params JourneyEvent[] events) => SendAsync("0", events);

    public async Task<CustomerDocument> CustomerAsync(string id)
    {
        var stored = await Store.GetAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"no customer {id}");
        return stored.Document.IsRedirect ? await CustomerAsync(stored.Document.MergedInto!) : stored.Document;
    }

    public async Task<IReadOnlyList<TransitionDocument>> TransitionsAsync(string id) =>
        await Store.ListAsync((await CustomerAsync(id)).Id, CancellationToken.None);
}
