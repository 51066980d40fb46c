using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Journey.Domain.Customers;
using Journey.Domain.Serialization;

namespace Journey.Testing.Store;

/// <summary>Documents for the store contract tests: one customer with every property set, and small ones.</summary>
public static class StoreTestData
{
    /// <summary>An instant with sub-millisecond ticks and a non-UTC offset, to catch lossy date handling.</summary>
    public static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 3, 2, 11, 30, 15, 123, TimeSpan.FromHours(2)).AddTicks(4567);

    /// <summary>An id unique to this test run, so the contracts also run against a shared container.</summary>
    public static string NewId(string prefix = "c") => $"{prefix}-{Guid.NewGuid():N}";

    public static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>A customer document with every property set (see <see cref="AssertEveryPropertySet"/>).</summary>
    public static CustomerDocument PopulatedCustomer(string id)
    {
        var doc = new CustomerDocument
        {
            Id = id,
            Type = "customer",
            UserId = "user-" + id,
            AnonymousIds = ["anon-1", "anon-2 ü€"],
            MergedIds = ["anon-old"],
            MergedInto = "merged-target",
            PendingMerge = Customer("pending-" + id, Stage.Awareness),
            Traits = Json("""{"email":"ada@example.com","plan":"pro","age":42,"tags":["a","b"],"nested":{"x":1.5}}"""),
            TraitsAt = T0.AddMinutes(5),
            Acquisition = new Acquisition
            {
                Channel = "paid_search",
                Source = "google",
                Medium = "cpc",
                Campaign = "spring-sale",
                Referrer = "https://www.google.com/",
                LandingPage = "/products/shoe-1?utm_source=google",
                FirstDevice = "mobile",
                FirstSeen = T0,
                MessageId = "m-first",
            },
            Lifecycle = new Lifecycle { Status = "at_risk", Since = "2026-03-30", LastSeen = T0.AddDays(30) },
            Sessions = Sessions(),
            Counters = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["Order Completed"] = 2, ["Page Viewed"] = 14, ["Product Viewed"] = 6 },
            Carts = Carts(),
            Orders = Orders(),
            Cancels = new AmountStats { Count = 1, Value = 19.99m, Last = T0.AddDays(2) },
            Returns = new AmountStats { Count = 1, Value = 49.5m, Last = T0.AddDays(9) },
            Ratings = Ratings(),
            Email = Email(),
            Predictions = new Predictions
            {
                ProbabilityAlive = 0.8125,
                ExpectedPurchases30 = 0.25,
                ExpectedPurchases90 = 0.7,
                ExpectedPurchases365 = 2.1,
                ExpectedOrderValue = 61.72,
                PredictedClv = 129.61,
                HistoricalClv = 123.45,
                RfmSegment = "loyal",
                AsOf = "2026-04-01",
            },
            ActiveDays = ["2026-03-02", "2026-03-03", "2026-03-22"],
            FirstSeen = T0,
            LastSeen = T0.AddDays(30),
            UpdatedAt = T0.AddDays(30).AddSeconds(1),
        };
        doc.Journey = new JourneyState
        {
            Timeline =
            [
                new TimelineEntry { Id = "m-1", T = T0, N = "Order Completed", Ch = "email", Dev = "desktop", Pk = "checkout", V = 100.00m, Q = 2, O = "A1", Cat = "shoes", P = "sku-1", Pn = "Trail shoe" },
                new TimelineEntry { Id = "m-2", T = T0.AddDays(1), N = "Page Viewed", Ch = "paid_search", Dev = "mobile", Pk = "policy" },
            ],
            Baseline = Baseline(),
            CompactedMessageIds = ["m-0a", "m-0b"],
            Positions = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["0"] = 41, ["3"] = 7 },
            Transitions = [new TransitionSummary(Stage.Awareness, Stage.Consideration, T0.AddMinutes(3), "m-3", "0123456789abcdef")],
        };
        return doc.WithJourney((Stage.Awareness, T0), (Stage.Consideration, T0.AddMinutes(3)), (Stage.Conversion, T0.AddDays(1)), (Stage.Retention, T0.AddDays(20)));
    }

    /// <summary>A small live (not redirect) customer document.</summary>
    public static CustomerDocument Customer(
        string id,
        Stage stage = Stage.Consideration,
        string? channel = "organic_search",
        string? device = "desktop",
        long orders = 0,
        decimal revenue = 0,
        long sessions = 1,
        long bounces = 0,
        string status = "active",
        string? userId = null,
        string? mergedInto = null,
        DateTimeOffset? firstSeen = null)
    {
        var seen = firstSeen ?? T0;
        return new CustomerDocument
        {
            Id = id,
            UserId = userId,
            MergedInto = mergedInto,
            Acquisition = channel is null ? null : new Acquisition { Channel = channel, FirstDevice = device, FirstSeen = seen },
            Lifecycle = new Lifecycle { Status = status, LastSeen = seen.AddHours(1) },
            Sessions = new SessionStats { Count = sessions, Bounces = bounces },
            Orders = new OrderStats { Count = orders, Revenue = revenue },
            FirstSeen = seen,
            LastSeen = seen.AddHours(1),
            UpdatedAt = seen.AddHours(1),
        }.WithJourney(stage == Stage.None ? [] : [(stage, seen)]);
    }

    public static TransitionDocument Transition(string customerId, Stage from, Stage to, DateTimeOffset at, string rule = "rule", string? channel = "email") =>
        new()
        {
            Id = TransitionDocument.IdFor(customerId, to),
            CustomerId = customerId,
            From = from,
            To = to,
            Skipped = to - from > 1 ? [.. Enumerable.Range((int)from + 1, to - from - 1).Select(s => (Stage)s)] : [],
            At = at,
            TriggerEvent = "Order Completed",
            TriggerMessageId = "m-" + to,
            Rule = rule,
            Channel = channel,
            AcquisitionChannel = "paid_search",
            FirstDevice = "mobile",
            DaysSinceFirstTouch = 1.5,
            SessionsSinceFirstTouch = 3,
            MicroConversions = new Dictionary<string, long> { ["Product Viewed"] = 2, ["Product Added"] = 1 },
        };

    public static DeadLetterDocument DeadLetter(string partition, long sequenceNumber, string day, string reason = "unreadable event: '}' is invalid") =>
        new()
        {
            Id = DeadLetterDocument.IdFor(partition, sequenceNumber),
            Day = day,
            Reason = reason,
            Partition = partition,
            SequenceNumber = sequenceNumber,
            MessageId = "m-" + sequenceNumber,
            CustomerId = "anon-" + sequenceNumber,
            RawPayload = """{"type":"track","event":"Order Completed", "broken": }""",
            At = DateTimeOffset.Parse(day + "T08:15:00.1234567+00:00", System.Globalization.CultureInfo.InvariantCulture),
        };

    /// <summary>
    /// Fails when a property of <typeparamref name="T"/> (recursively, through the document's own
    /// types) is missing from the JSON of <paramref name="value"/>, or a collection is empty: a
    /// round trip of such a document would not show that the property survives. When a document
    /// grows a property, extend <see cref="PopulatedCustomer"/>.
    /// </summary>
    public static void AssertEveryPropertySet<T>(T value)
    {
        var json = Json(JourneyJson.Serialize(value));
        AssertPopulated(json, typeof(T), "$", [typeof(T)]);
    }

    private static void AssertPopulated(JsonElement json, Type type, string path, HashSet<Type> enclosing)
    {
        var info = JourneyJson.Options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                Assert.True(json.ValueKind == JsonValueKind.Object, $"{path} should be an object");
                foreach (var property in info.Properties)
                {
                    if (property.Get is null || property.AttributeProvider?.IsDefined(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), inherit: true) == true) continue; // never written
                    Assert.True(json.TryGetProperty(property.Name, out var child), $"{path}.{property.Name} is not set in the test document");
                    var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                    if (enclosing.Contains(propertyType)) continue; // e.g. PendingMerge: set, its contents not checked again
                    AssertPopulated(child, propertyType, $"{path}.{property.Name}", [.. enclosing, propertyType]);
                }
                break;
            case JsonTypeInfoKind.Enumerable:
                Assert.True(json.ValueKind == JsonValueKind.Array && json.GetArrayLength() > 0, $"{path} should be a non-empty array");
                AssertPopulated(json[0], info.ElementType!, path + "[0]", enclosing);
                break;
            case JsonTypeInfoKind.Dictionary:
                Assert.True(json.ValueKind == JsonValueKind.Object && json.EnumerateObject().Any(), $"{path} should be a non-empty object");
                AssertPopulated(json.EnumerateObject().First().Value, info.ElementType!, path + ".*", enclosing);
                break;
            default:
                Assert.True(json.ValueKind != JsonValueKind.Null, $"{path} should not be null");
                break;
        }
    }

    private static SessionStats Sessions() => new()
    {
        Count = 5,
        Bounces = 1,
        PageViews = 14,
        TotalSeconds = 1234.5,
        TimeOnPageSeconds = 600.25,
        TimedPageViews = 9,
        LastStart = T0.AddDays(30),
        LastChannel = "email",
        ByChannel = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["email"] = 2, ["paid_search"] = 3 },
    };

    private static CartStats Carts() => new()
    {
        OpenValue = 59.9m,
        OpenItems = 2,
        OpenSince = T0.AddDays(29),
        LastActivity = T0.AddDays(29).AddMinutes(4),
        Created = 3,
        Converted = 2,
        Abandoned = 1,
        Last = new LastCart
        {
            Since = T0.AddDays(29),
            Outcome = CartOutcomes.Open,
            Lines = [new CartLine("sku-1", "Trail shoe", 1, 49.9m), new CartLine("sku-2", null, 1, 10m)],
        },
    };

    private static OrderStats Orders() => new()
    {
        Count = 2,
        Revenue = 123.45m,
        First = T0.AddDays(1),
        Last = T0.AddDays(20),
        FirstCategory = "shoes",
        FirstChannel = "email",
        History =
        [
            new OrderEntry("A1", T0.AddDays(1), 100.00m, "shoes"),
            new OrderEntry("A2", T0.AddDays(20), 23.45m, "socks"),
        ],
    };

    private static RatingStats Ratings() => new()
    {
        Reviews = 2,
        ReviewRatingSum = 9,
        PositiveReviews = 1,
        CsatResponses = 3,
        CsatSatisfied = 2,
    };

    private static EmailStats Email() => new()
    {
        Opened = 4,
        Clicked = 2,
        LastOpened = T0.AddDays(19),
        LastClicked = T0.AddDays(19).AddMinutes(1),
        OrdersAfterClick = 1,
    };

    private static FoldState Baseline()
    {
        var baseline = BaselineWithoutJourney();
        baseline.Enter(new TransitionRecord
        {
            From = Stage.None,
            To = Stage.Awareness,
            At = T0,
            TriggerEvent = "Page Viewed",
            TriggerMessageId = "m-1",
            Rule = "first_touch",
            Channel = "paid_search",
            DaysSinceFirstTouch = 0,
            SessionsSinceFirstTouch = 1,
            MicroConversions = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["Content Viewed"] = 1 },
        });
        baseline.Enter(new TransitionRecord
        {
            From = Stage.Awareness,
            To = Stage.Conversion,
            At = T0.AddDays(1),
            TriggerEvent = "Order Completed",
            TriggerMessageId = "m-9",
            Rule = "first-order",
            Channel = "email",
            DaysSinceFirstTouch = 1,
            SessionsSinceFirstTouch = 2,
            MicroConversions = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["Product Added"] = 1 },
        });
        return baseline;
    }

    private static FoldState BaselineWithoutJourney() => new()
    {
        Sessions = Sessions(),
        Counters = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["Page Viewed"] = 3 },
        Carts = Carts(),
        Orders = Orders(),
        Cancels = new AmountStats { Count = 1, Value = 5m, Last = T0 },
        Returns = new AmountStats { Count = 1, Value = 6m, Last = T0 },
        Ratings = Ratings(),
        Email = Email(),
        ActiveDays = new HashSet<string>(StringComparer.Ordinal) { "2026-03-02" },
        FirstSeen = T0,
        LastSeen = T0.AddDays(1),
        LateBeyondHorizon = 1,
        ProductViews = 6,
        SearchSeen = true,
        SearchThenView = true,
        PolicyPageViewed = true,
        CartOrWishlistAdded = true,
        LastEventAt = T0.AddDays(1),
        SessionStart = T0.AddDays(1),
        SessionPageViews = 2,
        SessionOtherViews = 1,
        SessionInteractions = 3,
        LastPageViewAt = T0.AddDays(1),
        SessionAfterFirstOrder = true,
        PostPurchaseEngaged = true,
        RepeatOrderOnAnotherDay = true,
        AdvocacyAction = true,
        OrderIds = new HashSet<string>(StringComparer.Ordinal) { "A1" },
        MicroConversionsInStage = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["Product Added"] = 1 },
    };
}
