using System.Text;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing;

/// <summary>A record planted in a workload that must go to the dead letters, and why.</summary>
public sealed record PlantedPoison(string Partition, long SequenceNumber, string Kind);

/// <summary>
/// A simulated shop's event stream, the same for the same seed: visitors who browse, fill carts,
/// order, come back, review, cancel, open emails and identify themselves part-way (so one person's
/// events arrive under two profile keys, on two partitions), with late events, duplicates resent in
/// later batches, and a few planted poison records. Partitioned by profile key as the collector
/// does, numbered per partition, cut into batches and delivered round-robin across partitions.
/// </summary>
public sealed class ShopWorkload
{
    public const string Unreadable = "unreadable";
    public const string NoId = "no-id";

    /// <summary>A profile key with a '/': Cosmos DB cannot hold it (SQLite can).</summary>
    public const string IdCosmosCannotHold = "id-with-slash";

    private ShopWorkload(IReadOnlyList<IReadOnlyList<StreamRecord>> batches, IReadOnlyList<PlantedPoison> poison, int events)
    {
        Batches = batches;
        Poison = poison;
        RecordCount = events;
    }

    /// <summary>The batches, in the order they are delivered.</summary>
    public IReadOnlyList<IReadOnlyList<StreamRecord>> Batches { get; }

    /// <summary>The planted records that must end in the dead letters (those with <see cref="IdCosmosCannotHold"/> only on Cosmos DB).</summary>
    public IReadOnlyList<PlantedPoison> Poison { get; }

    /// <summary>Records in all batches.</summary>
    public int RecordCount { get; }

    /// <summary>Every UTC day a record was enqueued on (the dead letters' partition keys).</summary>
    public IEnumerable<string> EnqueuedDays => Batches.SelectMany(b => b).Select(r => r.EnqueuedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Distinct();

    public static ShopWorkload Generate(int seed, int customers = 60, int partitions = 4, int batchSize = 25)
    {
        var random = new Random(seed);
        var byPartition = Enumerable.Range(0, partitions).Select(_ => new List<Planned>()).ToArray();
        var messageNumber = 0;
        string NextId() => $"w{seed}-{++messageNumber:D6}";

        var all = new List<(JourneyEvent Event, int Order)>();
        for (var c = 0; c < customers; c++) all.AddRange(Customer(random, c, NextId).Select(e => (e, 0)));
        // The stream is in arrival order: mostly time order, late events arrive when they arrive.
        var ordered = all.Select((x, i) => (x.Event, Arrival: x.Event.ReceivedAt, Index: i)).OrderBy(x => x.Arrival).ThenBy(x => x.Index).Select(x => x.Event).ToList();

        foreach (var e in ordered) byPartition[PartitionOf(e.ProfileKey, partitions)].Add(new Planned(JourneyJson.SerializeToUtf8(e), null));
        // Duplicates: a few events sent again (same message id) a little later in their partition.
        foreach (var list in byPartition)
        {
            var copies = list.Where(_ => random.NextDouble() < 0.03).ToList();
            foreach (var copy in copies) list.Insert(Math.Min(list.Count, list.IndexOf(copy) + 1 + random.Next(60)), copy with { });
        }
        // Poison, at random places.
        for (var n = 0; n < 3; n++)
        {
            Plant(random, byPartition, new Planned("{this is not json"u8.ToArray(), Unreadable));
            var noId = Events.Track(EventNames.ProductViewed, "x", messageId: NextId()) with { AnonymousId = null };
            Plant(random, byPartition, new Planned(JourneyJson.SerializeToUtf8(noId), NoId));
            var slash = Events.Track(EventNames.ProductViewed, $"bad/{n}", at: Events.T0.AddHours(n), messageId: NextId());
            Plant(random, byPartition, new Planned(JourneyJson.SerializeToUtf8(slash), IdCosmosCannotHold));
        }

        var poison = new List<PlantedPoison>();
        var cut = new List<List<StreamRecord>>[partitions];
        var events = 0;
        for (var p = 0; p < partitions; p++)
        {
            var records = byPartition[p].Select((planned, seq) =>
            {
                if (planned.Poison is { } kind) poison.Add(new PlantedPoison(p.ToString(System.Globalization.CultureInfo.InvariantCulture), seq, kind));
                return new StreamRecord(p.ToString(System.Globalization.CultureInfo.InvariantCulture), seq, Events.T0.AddSeconds(seq), planned.Body);
            }).ToList();
            events += records.Count;
            cut[p] = [.. records.Chunk(batchSize).Select(chunk => chunk.ToList())];
        }
        var batches = new List<IReadOnlyList<StreamRecord>>();
        for (var i = 0; cut.Any(c => i < c.Count); i++)
        {
            foreach (var partition in cut)
            {
                if (i < partition.Count) batches.Add(partition[i]);
            }
        }
        return new ShopWorkload(batches, poison, events);
    }

    private sealed record Planned(byte[] Body, string? Poison);

    private static void Plant(Random random, List<Planned>[] partitions, Planned planned)
    {
        var list = partitions[random.Next(partitions.Length)];
        list.Insert(random.Next(list.Count + 1), planned);
    }

    private static int PartitionOf(string key, int partitions) => (int)(Fnv1aOf(key) % (ulong)partitions);

    private static ulong Fnv1aOf(string key)
    {
        var hash = new Fnv1a();
        hash.Add(Encoding.UTF8.GetBytes(key));
        return hash.Value;
    }

    /// <summary>One visitor's events: a first visit, perhaps a cart and an order, perhaps an identify and later visits.</summary>
    private static IEnumerable<JourneyEvent> Customer(Random random, int c, Func<string> nextId)
    {
        var anonymousId = $"a{c}";
        var userId = random.NextDouble() < 0.7 ? $"u{c}" : null;
        var identified = false;
        var t = Events.T0.AddMinutes(random.Next(0, 60 * 24 * 3));
        var channel = random.Next(4) switch { 0 => "email", 1 => "organic search", 2 => "paid social", _ => "direct" };
        var category = random.Next(3) switch { 0 => "shoes", 1 => "bags", _ => "coats" };

        JourneyEvent Stamp(JourneyEvent e)
        {
            // A few events reach the collector late (their time is hours before they arrive).
            var late = random.NextDouble() < 0.05 ? TimeSpan.FromHours(2 + random.Next(20)) : TimeSpan.Zero;
            return e with { Timestamp = e.Timestamp - late, ReceivedAt = e.Timestamp, Channel = channel };
        }
        string? User() => identified ? userId : null;
        DateTimeOffset Next(double minutes) => t = t.AddMinutes(minutes);

        yield return Stamp(Events.Page("/", anonymousId, User(), at: Next(0), messageId: nextId()));
        var views = 1 + random.Next(4);
        for (var v = 0; v < views; v++)
            yield return Stamp(Events.Track(EventNames.ProductViewed, anonymousId, User(), at: Next(1 + random.Next(5)), properties: new { product_id = random.Next(50), category }, messageId: nextId()));
        if (random.NextDouble() < 0.2) yield return Stamp(Events.Page("/returns", anonymousId, User(), at: Next(2), messageId: nextId()));

        var visits = 1 + (random.NextDouble() < 0.5 ? 1 + random.Next(3) : 0);
        for (var visit = 0; visit < visits; visit++)
        {
            if (visit > 0)
            {
                Next(60 * (12 + random.Next(24 * 20)));
                yield return Stamp(Events.Page("/", anonymousId, User(), at: Next(0), messageId: nextId()));
                yield return Stamp(Events.Track(EventNames.ProductViewed, anonymousId, User(), at: Next(2), properties: new { product_id = random.Next(50), category }, messageId: nextId()));
            }
            if (userId is not null && !identified && random.NextDouble() < 0.6)
            {
                identified = true;
                yield return Stamp(Events.Identify(userId, anonymousId, at: Next(1), traits: new { email = $"{userId}@example.com" }, messageId: nextId()));
            }
            if (random.NextDouble() < 0.5)
            {
                var price = 10 + random.Next(90);
                yield return Stamp(Events.Track(EventNames.ProductAdded, anonymousId, User(), at: Next(1 + random.Next(5)), properties: new { product_id = random.Next(50), price, category }, messageId: nextId()));
                if (random.NextDouble() < 0.6)
                {
                    yield return Stamp(Events.Track(EventNames.CheckoutStarted, anonymousId, User(), at: Next(2), messageId: nextId()));
                    var orderId = $"o{c}-{visit}";
                    yield return Stamp(Events.Track(EventNames.OrderCompleted, anonymousId, User(), at: Next(3), properties: new { order_id = orderId, revenue = price, category }, messageId: nextId()));
                    if (random.NextDouble() < 0.1)
                        yield return Stamp(Events.Track(random.NextDouble() < 0.5 ? EventNames.OrderCancelled : EventNames.OrderRefunded, anonymousId, User(), at: Next(60), properties: new { order_id = orderId, total = price, reason = "too small" }, messageId: nextId()));
                    if (random.NextDouble() < 0.3)
                        yield return Stamp(Events.Track(EventNames.ProductReviewed, anonymousId, User(), at: Next(60 * 24), properties: new { product_id = 1, rating = 1 + random.Next(5), review_body = "fits well" }, messageId: nextId()));
                }
            }
            if (random.NextDouble() < 0.2) yield return Stamp(Events.Track(EventNames.EmailOpened, anonymousId, User(), at: Next(60), messageId: nextId()));
            if (random.NextDouble() < 0.1) yield return Stamp(Events.Track(EventNames.FeedbackSubmitted, anonymousId, User(), at: Next(5), properties: new { score = 1 + random.Next(5) }, messageId: nextId()));
            if (random.NextDouble() < 0.05) yield return Stamp(Events.Track(EventNames.ReferralSent, anonymousId, User(), at: Next(5), messageId: nextId()));
        }
    }
}
