using Journey.Application.Processing;
using Journey.Application.Tests.Support;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Domain.Stages;
using Journey.Testing;
using Microsoft.Extensions.Time.Testing;
using static Journey.Testing.Events;

namespace Journey.Application.Tests.Processing;

/// <summary>
/// Two processors (two partitions, two hosts) write one person at once: the anonymous id's events on
/// one partition, the identify and the user's own events on the other. Whatever the interleaving of
/// their store operations, once both are done the transition documents equal the ones the customer
/// document implies, and the document is the one a sequential run gives.
/// </summary>
public sealed class TransitionRaceTests
{
    private static readonly JourneyRulesOptions Rules = new();

    private static DateTimeOffset At(int minutes) => T0.AddMinutes(minutes);

    /// <summary>The anonymous visitor's events (partition 0): a cart, then an order at 11:30.</summary>
    private static List<StreamRecord> Anonymous() => Records(
    [
        Track(EventNames.ProductAdded, "a1", at: At(60), properties: new { product_id = 1, price = 10 }, messageId: "anon-add"),
        Track(EventNames.OrderCompleted, "a1", at: At(90), properties: new { order_id = "o1", revenue = 10 }, messageId: "anon-order"),
    ], partition: "0", firstSequence: 1);

    /// <summary>The identify and the user's events (partition 1): two product views at 10:10 and an order at 12:00.</summary>
    private static List<StreamRecord> Identified() => Records(
    [
        Identify("u1", "a1", at: At(5), messageId: "identify"),
        Track(EventNames.ProductViewed, userId: "u1", at: At(10), messageId: "user-view-1"),
        Track(EventNames.ProductViewed, userId: "u1", at: At(11), messageId: "user-view-2"),
        Track(EventNames.OrderCompleted, userId: "u1", at: At(120), properties: new { order_id = "o2", revenue = 20 }, messageId: "user-order"),
    ], partition: "1");

    /// <summary>The first touch, already applied before the race: a page view of the anonymous visitor.</summary>
    private static List<StreamRecord> FirstTouch() => Records([Page("/", "a1", at: At(0), messageId: "anon-page")], partition: "0");

    [Fact]
    public async Task Two_writers_of_one_person_leave_transitions_equal_to_the_document_in_any_interleaving()
    {
        var expected = await SequentialAsync();
        Assert.Equal([Stage.Awareness, Stage.Consideration, Stage.Conversion], expected.StageReachedAt.Keys.Order());

        var steps = new List<int>();
        for (var seed = 0; seed < 300; seed++)
        {
            var store = new InMemoryJourneyStore();
            var clock = new FakeTimeProvider(T0.AddDays(1));
            await ProcessorHarness.CreateProcessor(store, store, store, Rules, clock).ProcessAsync(FirstTouch(), CancellationToken.None);

            var interleaving = new Interleaving(seed);
            var shared = interleaving.Over(store);
            var partition0 = ProcessorHarness.CreateProcessor(shared, shared, shared, Rules, clock);
            var partition1 = ProcessorHarness.CreateProcessor(shared, shared, shared, Rules, clock);
            await interleaving.RunAsync(
                () => Processors.DeliverUntilDoneAsync(partition0, Anonymous()),
                () => Processors.DeliverUntilDoneAsync(partition1, Identified()));
            steps.Add(interleaving.Steps);

            var customer = await CustomerAsync(store, "u1");
            Assert.Equal(expected.StageReachedAt, customer.StageReachedAt);
            var implied = new CustomerUpdate(new JourneyFold(Rules), Rules).TransitionsOf(customer);
            var stored = await store.ListAsync("u1", CancellationToken.None);
            Assert.Equal(implied.Select(Describe), stored.Select(Describe));
            Assert.Equal(customer.StageReachedAt.OrderBy(s => s.Key).Select(s => (s.Key, s.Value)), stored.OrderBy(t => t.To).Select(t => (t.To, t.At)));
            Assert.Empty(await store.ListAsync("a1", CancellationToken.None));
        }
        Assert.True(steps.Distinct().Count() > 5, $"The seeds gave too few different interleavings: {string.Join(", ", steps.Distinct())}");
    }

    /// <summary>The same events applied one partition after the other, without any race.</summary>
    private static async Task<CustomerDocument> SequentialAsync()
    {
        var store = new InMemoryJourneyStore();
        var processor = ProcessorHarness.CreateProcessor(store, store, store, Rules, new FakeTimeProvider(T0.AddDays(1)));
        await processor.ProcessAsync(FirstTouch(), CancellationToken.None);
        await processor.ProcessAsync(Identified(), CancellationToken.None);
        await processor.ProcessAsync(Anonymous(), CancellationToken.None);
        return await CustomerAsync(store, "u1");
    }

    private static async Task<CustomerDocument> CustomerAsync(InMemoryJourneyStore store, string id)
    {
        var doc = (await store.GetAsync(id, CancellationToken.None))!.Document;
        return doc.IsRedirect ? await CustomerAsync(store, doc.MergedInto!) : doc;
    }

    private static string Describe(TransitionDocument t) => $"{t.Id} {t.From}->{t.To} at {t.At:O} by {t.TriggerMessageId} ({t.Fingerprint()})";
}
