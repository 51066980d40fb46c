using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Processing;
using Journey.Domain.Serialization;
using Journey.Domain.Stages;
using Journey.Testing;
using static Journey.Testing.Events;

namespace Journey.Domain.Tests.Processing;

/// <summary>
/// The fold a document keeps in memory between batches (<see cref="FoldMemo"/>): whatever the
/// order, lateness, duplication and compaction of the events, a document refolded from its memo
/// must be exactly the document folded from its whole timeline.
/// </summary>
public class FoldMemoTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(400);

    private static readonly string[] Names =
    [
        EventNames.ProductViewed, EventNames.ProductViewed, EventNames.ProductAdded, EventNames.OrderCompleted,
        EventNames.OrderRefunded, EventNames.ProductReviewed, "Email Opened", "Checkout Started", "Product Shared",
    ];

    [Theory]
    [InlineData(1, 0.0, 0.0)] // in time order: the memo should carry almost every batch
    [InlineData(2, 0.05, 0.05)] // some late events and resent duplicates
    [InlineData(3, 0.3, 0.1)] // mostly out of order
    [InlineData(4, 0.02, 0.3)] // many duplicates
    public void Folding_on_from_the_memo_gives_the_document_a_whole_refold_gives(int seed, double lateShare, double duplicateShare)
    {
        var options = new JourneyRulesOptions { CompactAbove = 60, CompactKeep = 25 }; // compacts several times over 400 events
        var fold = new JourneyFold(options);
        var withMemo = new CustomerUpdate(fold, options);
        var withoutMemo = new CustomerUpdate(fold, options);
        var a = CustomerUpdate.NewProfile("u1");
        var b = CustomerUpdate.NewProfile("u1");

        var random = new Random(seed);
        var sent = new List<JourneyEvent>();
        var t = T0;
        long sequence = 0;
        var batches = 0;
        while (sent.Count < 400)
        {
            var batch = new List<PositionedEvent>();
            for (var n = random.Next(1, 12); n > 0; n--)
            {
                JourneyEvent e;
                if (sent.Count > 0 && random.NextDouble() < duplicateShare)
                {
                    e = sent[random.Next(sent.Count)];
                }
                else
                {
                    t = t.AddMinutes(random.Next(1, 3 * 24 * 60) / (random.Next(1, 40) * 1.0));
                    var at = random.NextDouble() < lateShare ? t.AddHours(-random.Next(1, 24 * 30)) : t;
                    e = RandomEvent(random, at);
                    sent.Add(e);
                }
                batch.Add(Positioned(e, options, sequence++));
            }

            var addedA = withMemo.AddEvents(a, batch);
            var addedB = withoutMemo.AddEvents(b, batch);
            Assert.Equal(addedB, addedA);
            if (addedA == 0) continue;
            withoutMemo.ForgetMemo(b); // the reference always folds its whole timeline
            var stateA = withMemo.Refold(a, Now);
            var stateB = withoutMemo.Refold(b, Now);
            batches++;

            Assert.Equal(JourneyJson.Serialize(stateB), JourneyJson.Serialize(stateA));
            Assert.Equal(JourneyJson.Serialize(b), JourneyJson.Serialize(a));
        }

        Assert.Equal(0, withoutMemo.ExtendedFolds);
        Assert.InRange(withMemo.ExtendedFolds, 1, batches);
        if (lateShare == 0 && duplicateShare == 0) Assert.InRange(withMemo.ExtendedFolds, batches * 8 / 10, batches);
    }

    [Fact]
    public void Once_the_document_forgets_its_oldest_compacted_ids_the_memo_forgets_them_too()
    {
        var options = new JourneyRulesOptions { CompactAbove = 20, CompactKeep = 10 };
        var fold = new JourneyFold(options);
        var withMemo = new CustomerUpdate(fold, options);
        var withoutMemo = new CustomerUpdate(fold, options);
        var a = CustomerUpdate.NewProfile("u1");
        var b = CustomerUpdate.NewProfile("u1");
        var events = Enumerable.Range(0, 5_100).Select(i => Track(EventNames.ProductViewed, userId: "u1", at: T0.AddMinutes(i))).ToList();
        var sequence = 0L;
        (int A, int B) Send(IEnumerable<JourneyEvent> batch)
        {
            var positioned = batch.Select(e => Positioned(e, options, sequence++)).ToList();
            var added = (withMemo.AddEvents(a, positioned), withoutMemo.AddEvents(b, positioned));
            withoutMemo.ForgetMemo(b);
            withMemo.Refold(a, Now);
            withoutMemo.Refold(b, Now);
            return added;
        }

        foreach (var batch in events.Chunk(50)) Send(batch);
        Assert.True(a.Journey.ForgotCompactedIds);
        Assert.DoesNotContain(events[0].MessageId, a.Journey.CompactedMessageIds);

        // The first event again, from a later stream position: its id is forgotten, so it is new to both.
        var (addedA, addedB) = Send([events[0]]);

        Assert.Equal(1, addedB);
        Assert.Equal(addedB, addedA);
        Assert.Equal(JourneyJson.Serialize(b), JourneyJson.Serialize(a));
    }

    [Fact]
    public void After_a_merge_an_absorbed_event_sent_again_is_still_a_duplicate()
    {
        var options = new JourneyRulesOptions();
        var update = new CustomerUpdate(new JourneyFold(options), options);
        var user = CustomerUpdate.NewProfile("u1");
        var anonymous = CustomerUpdate.NewProfile("a2");
        var sequence = 0L;
        int Send(CustomerDocument doc, JourneyEvent e)
        {
            var added = update.AddEvents(doc, [Positioned(e, options, sequence++)]);
            update.Refold(doc, Now);
            return added;
        }

        Send(user, Track(EventNames.ProductViewed, userId: "u1", at: T0.AddMinutes(1)));
        Send(user, Track(EventNames.ProductViewed, userId: "u1", at: T0.AddMinutes(2))); // the memo now holds the known ids
        var anonymousView = Track(EventNames.ProductViewed, "a2", at: T0.AddMinutes(3));
        Send(anonymous, anonymousView);

        update.Absorb(user, "a2", anonymous);
        update.Refold(user, Now);

        Assert.Equal(0, Send(user, anonymousView with { AnonymousId = null, UserId = "u1" }));
        Assert.Equal(3, user.Counters[EventNames.ProductViewed]);
    }

    [Fact]
    public void A_late_event_refolds_the_whole_timeline_and_lands_where_it_belongs()
    {
        var options = new JourneyRulesOptions();
        var update = new CustomerUpdate(new JourneyFold(options), options);
        var doc = CustomerUpdate.NewProfile("u1");
        var sequence = 0L;
        void Send(params JourneyEvent[] events)
        {
            update.AddEvents(doc, [.. events.Select(e => Positioned(e, options, sequence++))]);
            update.Refold(doc, Now);
        }

        Send(Track(EventNames.ProductViewed, userId: "u1", at: T0.AddHours(1)));
        Send(Track(EventNames.ProductViewed, userId: "u1", at: T0.AddHours(2)));
        Assert.Equal(1, update.ExtendedFolds);

        Send(Track(EventNames.OrderCompleted, userId: "u1", at: T0, properties: new { order_id = "o1", revenue = 10 }));

        Assert.Equal(1, update.ExtendedFolds); // the late order made it start over
        Assert.Equal(T0, doc.FirstSeen);
        Assert.Equal(T0, doc.Orders.First);
        Assert.Equal(Stage.Conversion, doc.Stage);
    }

    [Fact]
    public void A_document_read_from_the_store_carries_no_memo()
    {
        var options = new JourneyRulesOptions();
        var update = new CustomerUpdate(new JourneyFold(options), options);
        var doc = CustomerUpdate.NewProfile("u1");
        update.AddEvents(doc, [Positioned(Track(EventNames.ProductViewed, userId: "u1"), options, 0)]);
        update.Refold(doc, Now);
        Assert.True(update.HasMemo(doc));

        var read = JourneyJson.Deserialize<CustomerDocument>(JourneyJson.Serialize(doc));

        Assert.False(update.HasMemo(read));
        Assert.DoesNotContain("memo", JourneyJson.Serialize(doc), StringComparison.OrdinalIgnoreCase);
    }

    private static JourneyEvent RandomEvent(Random random, DateTimeOffset at)
    {
        var name = Names[random.Next(Names.Length)];
        if (random.Next(5) == 0) return Page(random.Next(4) == 0 ? "/returns" : "/p/" + random.Next(20), userId: "u1", at: at, channel: random.Next(3) == 0 ? "email" : null);
        object? properties = name switch
        {
            EventNames.ProductAdded => new { product_id = random.Next(20), price = random.Next(1, 100), quantity = random.Next(1, 3) },
            EventNames.OrderCompleted or EventNames.OrderRefunded => new { order_id = "o" + random.Next(30), revenue = random.Next(5, 300), category = "c" + random.Next(4) },
            EventNames.ProductReviewed => new { product_id = random.Next(20), rating = random.Next(1, 6) },
            _ => new { product_id = random.Next(20) },
        };
        return Track(name, userId: "u1", at: at, properties: properties);
    }

    private static PositionedEvent Positioned(JourneyEvent e, JourneyRulesOptions options, long sequence)
    {
        var record = Records([e], "0", sequence)[0];
        return new PositionedEvent(e, TimelineEntries.From(e, options) with { S = sequence }, record);
    }
}
