using System.Diagnostics;
using System.Globalization;
using Journey.Adapters.Store.Sqlite;
using Journey.Domain.Customers;
using Journey.Testing;
using Journey.Domain.Serialization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Journey.Benchmarks;

/// <summary>
/// Fills a local data folder with synthetic customer documents for the daily-job benchmark, as the
/// processor would have left them: visitors and buyers acquired over two years before the as-of
/// date, with repeat purchases drawn from a BG/NBD process (per-customer Poisson rate from a gamma,
/// dropout after each purchase with a beta probability), order values from a Gamma-Gamma model,
/// sessions, carts, email engagement, reviews, stages, active days and the timeline of their
/// events. The store creates the file; the rows are what the store writes.
/// </summary>
public static class SyntheticShop
{
    private static readonly string[] Channels = ["direct", "organic_search", "paid_search", "organic_social", "paid_social", "email", "referral", "affiliate", "display"];
    private static readonly double[] ChannelWeights = [0.25, 0.25, 0.15, 0.08, 0.07, 0.08, 0.06, 0.03, 0.03];
    private static readonly string[] Devices = ["desktop", "mobile", "tablet"];
    private static readonly double[] DeviceWeights = [0.45, 0.48, 0.07];
    private static readonly string[] Categories = ["dresses", "shoes", "bags", "tops", "jeans", "accessories"];

    public static async Task<int> RunAsync(string[] args)
    {
        var customers = int.Parse(Option(args, "--customers") ?? "1000000", CultureInfo.InvariantCulture);
        var data = Option(args, "--data") ?? throw new ArgumentException("--data <folder> is required");
        var asOf = DateOnly.ParseExact(Option(args, "--as-of") ?? "2026-06-30", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var seed = int.Parse(Option(args, "--seed") ?? "20260630", CultureInfo.InvariantCulture);
        var withTransitions = args.Contains("--transitions");

        // The store creates the file and its schema; the fixture then goes in with one bulk insert
        // per 10,000 rows (the store's writer commits what its callers await, which is not the point here).
        var options = SqliteStoreOptions.ForDataDirectory(data);
        string path;
        await using (var store = new SqliteJourneyStore(options, NullLogger<SqliteJourneyStore>.Instance))
        {
            await store.InitializeAsync(CancellationToken.None);
            path = store.DatabasePath;
        }

        var clock = Stopwatch.StartNew();
        var random = new Random(seed);
        var end = new DateTimeOffset(asOf.ToDateTime(new TimeOnly(23, 0)), TimeSpan.Zero);
        long buyers = 0, orders = 0, transitionCount = 0;
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            // the layout the store writes: the document, and its processor state in its own column
            using var insert = Insert(connection, "customers", "id", "etag", "doc", "updated_at", "journey");
            var (id, etag, doc, updated, journey) = (insert.Parameters[0], insert.Parameters[1], insert.Parameters[2], insert.Parameters[3], insert.Parameters[4]);
            using var insertTransition = Insert(connection, "transitions", "id", "customer_id", "at", "doc");
            var (transitionId, transitionCustomer, transitionAt, transitionDoc) = (insertTransition.Parameters[0], insertTransition.Parameters[1], insertTransition.Parameters[2], insertTransition.Parameters[3]);
            SqliteTransaction? transaction = null;
            for (var i = 0; i < customers; i++)
            {
                if (i % 10_000 == 0)
                {
                    transaction?.Commit();
                    transaction?.Dispose();
                    transaction = connection.BeginTransaction();
                    insert.Transaction = transaction;
                    insertTransition.Transaction = transaction;
                }
                var customer = Customer($"synthetic-{i:D7}", random, end);
                if (customer.Orders.Count > 0) buyers++;
                orders += customer.Orders.Count;
                id.Value = customer.Id;
                etag.Value = $"\"{Guid.NewGuid()}\"";
                doc.Value = JourneyJson.SerializeWithoutJourney(customer);
                journey.Value = JourneyJson.Serialize(customer.Journey);
                updated.Value = customer.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                insert.ExecuteNonQuery();
                if (withTransitions)
                {
                    foreach (var t in Transitions(customer))
                    {
                        transitionId.Value = t.Id;
                        transitionCustomer.Value = t.CustomerId;
                        transitionAt.Value = t.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
                        transitionDoc.Value = JourneyJson.Serialize(t);
                        insertTransition.ExecuteNonQuery();
                        transitionCount++;
                    }
                }
                if ((i + 1) % 100_000 == 0) Console.WriteLine($"  {i + 1:N0} customers written ({clock.Elapsed.TotalSeconds:N0} s)");
            }
            transaction?.Commit();
            transaction?.Dispose();
        }
        Console.WriteLine($"{customers:N0} customers ({buyers:N0} buyers, {orders:N0} orders, {transitionCount:N0} transitions) as of {asOf:yyyy-MM-dd} in {path}: {clock.Elapsed.TotalSeconds:N1} s, {new FileInfo(path).Length / (1024.0 * 1024):N0} MiB");
        return 0;
    }

    private static CustomerDocument Customer(string id, Random random, DateTimeOffset end)
    {
        var firstSeen = end.AddDays(-random.NextDouble() * 730);
        var channel = Pick(random, Channels, ChannelWeights);
        var device = Pick(random, Devices, DeviceWeights);
        var timeline = new List<TimelineEntry>();
        var days = new SortedSet<string>(StringComparer.Ordinal);
        var sequence = 0L;
        void Event(DateTimeOffset at, string name, decimal? value = null, string? order = null, string? category = null)
        {
            timeline.Add(new TimelineEntry { Id = $"{id}-{sequence}", T = at, S = sequence++, N = name, Ch = channel, Dev = device, V = value, O = order, Cat = category });
            days.Add(at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        var doc = new CustomerDocument
        {
            Id = id,
            UserId = random.NextDouble() < 0.5 ? id : null,
            AnonymousIds = [$"a-{id}"],
            Acquisition = new Acquisition { Channel = channel, FirstDevice = device, FirstSeen = firstSeen, LandingPage = "/", MessageId = $"{id}-0" },
            FirstSeen = firstSeen,
        };
        var stages = new Dictionary<Stage, DateTimeOffset> { [Stage.Awareness] = firstSeen };

        // browsing
        var sessions = 1 + (int)(-Math.Log(1 - random.NextDouble()) * 2);
        var pageViews = 0L;
        var at = firstSeen;
        for (var s = 0; s < sessions && at < end; s++)
        {
            var views = random.NextDouble() < 0.4 ? 1 : 2 + random.Next(6);
            for (var v = 0; v < views; v++) Event(at.AddMinutes(v), v == 0 ? "Page Viewed" : "Product Viewed");
            pageViews += views;
            if (views == 1) doc.Sessions.Bounces++;
            at = at.AddDays(random.NextDouble() * 20);
        }
        doc.Sessions.Count = sessions;
        doc.Sessions.PageViews = pageViews;
        doc.Counters["Page Viewed"] = sessions;
        doc.Counters["Product Viewed"] = pageViews - sessions;
        if (pageViews > 3)
        {
            stages[Stage.Consideration] = firstSeen.AddMinutes(3);
        }

        // purchases: about a third buy; then BG/NBD repeat purchases and Gamma-Gamma values
        if (random.NextDouble() < 0.35)
        {
            var rate = Gamma(random, 0.25, 1 / 40.0);      // purchases per day
            var dropout = Beta(random, 0.8, 2.5);
            var nu = Gamma(random, 3.74, 1 / 15.44);       // Gamma-Gamma: values ~ Gamma(p = 6.25, rate nu)
            var t = firstSeen.AddHours(random.NextDouble() * Math.Min(72, (end - firstSeen).TotalHours));
            var n = 0;
            while (t < end)
            {
                var value = Math.Round((decimal)Gamma(random, 6.25, 1 / nu), 2);
                var orderId = $"{id}-o{n}";
                var category = Categories[random.Next(Categories.Length)];
                Event(t.AddMinutes(-2), "Product Added", value);
                Event(t, "Order Completed", value, orderId, category);
                doc.Orders.History.Add(new OrderEntry(orderId, t, value, category));
                doc.Orders.Revenue += value;
                doc.Orders.First ??= t;
                doc.Orders.FirstCategory ??= category;
                doc.Orders.FirstChannel ??= channel;
                doc.Orders.Last = t;
                n++;
                if (random.NextDouble() < dropout) break;
                var wait = -Math.Log(1 - random.NextDouble()) / rate;
                if (wait > (end - t).TotalDays) break;
                t = t.AddDays(wait);
            }
            doc.Orders.Count = n;
            doc.Counters["Order Completed"] = n;
            doc.Counters["Product Added"] = n;
            doc.Carts.Created = n;
            doc.Carts.Converted = n;
            stages[Stage.Consideration] = stages.GetValueOrDefault(Stage.Consideration, doc.Orders.First!.Value.AddMinutes(-2));
            stages[Stage.Conversion] = doc.Orders.First!.Value;
            if (n > 1)
            {
                stages[Stage.Retention] = doc.Orders.History[1].At;
            }
            if (random.NextDouble() < 0.1)
            {
                var rating = 1 + random.Next(5);
                Event(doc.Orders.Last!.Value.AddDays(3), "Product Reviewed", rating);
                doc.Ratings.Reviews = 1;
                doc.Ratings.ReviewRatingSum = rating;
                doc.Counters["Product Reviewed"] = 1;
                if (rating >= 4 && doc.Orders.Last.Value.AddDays(3) < end)
                {
                    stages[Stage.Advocacy] = doc.Orders.Last.Value.AddDays(3);
                }
            }
            if (random.NextDouble() < 0.05)
            {
                doc.Returns.Count = 1;
                doc.Returns.Value = doc.Orders.History[0].Revenue;
            }
        }
        else if (random.NextDouble() < 0.3)
        {
            doc.Carts.Created = 1;
            doc.Carts.Abandoned = 1;
            doc.Counters["Product Added"] = 1;
            Event(firstSeen.AddMinutes(5), "Product Added", 20m);
        }
        if (random.NextDouble() < 0.3)
        {
            doc.Email.Opened = 1 + random.Next(5);
            doc.Email.Clicked = random.Next((int)doc.Email.Opened + 1);
            doc.Counters["Email Opened"] = doc.Email.Opened;
        }

        timeline.Sort(static (a, b) => a.T.CompareTo(b.T));
        var last = timeline.Count > 0 ? timeline[^1].T : firstSeen;
        if (last > end) last = end;
        doc.Journey.Timeline = timeline;
        doc.ActiveDays = [.. days];
        doc.LastSeen = last;
        doc.Lifecycle = new Lifecycle { LastSeen = last };
        doc.UpdatedAt = last;
        return doc.WithJourney([.. stages.Select(s => (s.Key, s.Value))]);
    }

    /// <summary>An INSERT of text values into the columns, its parameters in their order.</summary>
    private static SqliteCommand Insert(SqliteConnection connection, string table, params string[] columns)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO {table}({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "$" + c))})";
        foreach (var column in columns) command.Parameters.Add("$" + column, SqliteType.Text);
        return command;
    }

    /// <summary>
    /// The transition documents the processor would write for the customer's stages (no random draw, so
    /// the customers are the same with or without them): the session's channel is the acquisition
    /// channel, the micro-conversions those the synthetic events give each stage.
    /// </summary>
    private static IEnumerable<TransitionDocument> Transitions(CustomerDocument doc)
    {
        var from = Stage.None;
        var firstSeen = doc.FirstSeen ?? doc.StageReachedAt[Stage.Awareness];
        foreach (var (to, at) in doc.StageReachedAt.OrderBy(p => p.Key))
        {
            var (trigger, micro) = to switch
            {
                Stage.Awareness => ("Page Viewed", new Dictionary<string, long>()),
                Stage.Consideration => ("Product Viewed", new Dictionary<string, long> { ["Product Viewed"] = 2 }),
                Stage.Conversion => ("Order Completed", new Dictionary<string, long> { ["Product Viewed"] = 1, ["Product Added"] = 1, ["Order Completed"] = 1 }),
                Stage.Retention => ("Order Completed", new Dictionary<string, long> { ["Product Added"] = 1, ["Order Completed"] = 1 }),
                _ => ("Product Reviewed", new Dictionary<string, long> { ["Positive Review"] = 1 }),
            };
            yield return new TransitionDocument
            {
                Id = TransitionDocument.IdFor(doc.Id, to),
                CustomerId = doc.Id,
                From = from,
                To = to,
                Skipped = [.. Enumerable.Range((int)from + 1, Math.Max(0, to - from - 1)).Select(s => (Stage)s).Where(s => s != Stage.None)],
                At = at,
                TriggerEvent = trigger,
                TriggerMessageId = $"{doc.Id}-{to}",
                Rule = "synthetic",
                Channel = doc.Acquisition?.Channel,
                AcquisitionChannel = doc.Acquisition?.Channel,
                FirstDevice = doc.Acquisition?.FirstDevice,
                DaysSinceFirstTouch = Math.Round(Math.Max(0, (at - firstSeen).TotalDays), 4),
                SessionsSinceFirstTouch = Math.Min(doc.Sessions.Count, 1 + (long)(at - firstSeen).TotalDays / 20),
                MicroConversions = micro,
            };
            from = to;
        }
    }

    private static T Pick<T>(Random random, T[] values, double[] weights)
    {
        var u = random.NextDouble();
        for (var i = 0; i < values.Length; i++)
        {
            u -= weights[i];
            if (u <= 0) return values[i];
        }
        return values[^1];
    }

    /// <summary>Gamma(shape, scale) by Marsaglia and Tsang (shape &lt; 1 through the boost u^(1/shape)).</summary>
    private static double Gamma(Random random, double shape, double scale)
    {
        if (shape < 1) return Gamma(random, shape + 1, scale) * Math.Pow(random.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            var u = random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v * scale;
        }
    }

    private static double Beta(Random random, double a, double b)
    {
        var x = Gamma(random, a, 1);
        return x / (x + Gamma(random, b, 1));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
