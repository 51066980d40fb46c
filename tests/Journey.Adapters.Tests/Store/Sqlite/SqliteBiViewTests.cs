using System.Text.Json;
using System.Text.RegularExpressions;
using Journey.Adapters.Store.Sqlite;
using Journey.Testing.Store;
using Journey.Domain.Customers;
using Journey.Domain.Metrics;
using Journey.Domain.Serialization;
using Microsoft.Data.Sqlite;
using static Journey.Adapters.Tests.Store.Sqlite.SqliteJourneyStoreTests;

namespace Journey.Adapters.Tests.Store.Sqlite;

/// <summary>The views BI tools query (customers_v, transitions_v, deadletter_v) and the documented example queries.</summary>
public sealed partial class SqliteBiViewTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset T0 = StoreTestData.T0; // 2026-03-02T11:30:15.1234567+02:00
    private readonly SqliteTestDatabase _database = new();
    private SqliteConnection? _connection;

    private SqliteConnection Connection => _connection!;

    public async Task InitializeAsync()
    {
        await using (var store = _database.Open())
        {
            await store.CreateAsync(StoreTestData.Customer(
                "c-1", Stage.Conversion, "paid_search", "mobile", orders: 2, revenue: 150.5m, sessions: 3, bounces: 1, userId: "u-1"), Ct);
            await store.CreateAsync(StoreTestData.Customer(
                "c-2", Stage.Awareness, "organic_search", "desktop", sessions: 1, bounces: 1, status: "lapsed", firstSeen: T0.AddDays(40)), Ct);
            await store.CreateAsync(StoreTestData.Customer("c-3", Stage.Awareness, "email", mergedInto: "c-1"), Ct);
            var withPredictions = StoreTestData.Customer("c-4", Stage.Retention, "email", "tablet", orders: 3, revenue: 99.99m, sessions: 6);
            await store.CreateAsync(withPredictions, Ct);
            await store.PatchPredictionsAsync(
                [new("c-4", new Predictions { ProbabilityAlive = 0.75, PredictedClv = 210.5, RfmSegment = "champions", AsOf = "2026-03-01" })], Ct);

            TransitionDocument[] transitions =
            [
                StoreTestData.Transition("c-1", Stage.None, Stage.Awareness, T0, rule: "first_touch", channel: "paid_search"),
                StoreTestData.Transition("c-1", Stage.Awareness, Stage.Conversion, T0.AddDays(1), rule: "first_order"),
                StoreTestData.Transition("c-2", Stage.None, Stage.Awareness, T0.AddDays(40), rule: "first_touch"),
            ];
            await store.UpsertAsync(transitions, Ct);
            // The daily job's journey map of these transitions, as of a date after them all.
            var journey = new JourneyMapAccumulator(new DateOnly(2026, 4, 30));
            foreach (var t in transitions) journey.Add(t);
            await store.UpsertAsync(MetricsStoreContract.Document(MetricKinds.Journey, "2026-04-30", JsonSerializer.Serialize(journey.Result(), JourneyJson.Options)), Ct);
            await store.UpsertAsync(MetricsStoreContract.Document("rates", "2026-03-01", """{"conversionRate":50,"averageOrderValue":42.5}"""), Ct);
            // Two weeks of cumulative counts: the second week has 60 sessions, 15 bounces, 20 new customers and 5 new buyers, 8 orders.
            await store.UpsertAsync(MetricsStoreContract.Document("rates", "2026-03-08", """
                {"customers":10,"sessions":40,"bounces":10,"buyers":2,"cartsCreated":8,"cartsAbandoned":4,"orders":3,"revenue":300,
                 "cancels":0,"returns":0,"csatResponses":2,"csatSatisfied":1}
                """), Ct);
            await store.UpsertAsync(MetricsStoreContract.Document("rates", "2026-03-15", """
                {"customers":30,"sessions":100,"bounces":25,"buyers":7,"cartsCreated":18,"cartsAbandoned":10,"orders":11,"revenue":700,
                 "cancels":1,"returns":2,"csatResponses":6,"csatSatisfied":4}
                """), Ct);
            await store.UpsertAsync(MetricsStoreContract.Document("rates", "2026-03-22", """
                {"customers":29,"sessions":100,"bounces":25,"buyers":7,"cartsCreated":18,"cartsAbandoned":10,"orders":11,"revenue":700,
                 "cancels":1,"returns":2,"csatResponses":6,"csatSatisfied":4}
                """), Ct);
            await store.AddAsync(StoreTestData.DeadLetter("3", 1041, "2026-03-02"), Ct);
            await store.AddAsync(StoreTestData.DeadLetter("3", 1042, "2026-03-02", reason: "could not be applied: InvalidOperationException: boom"), Ct);
        }
        _connection = _database.Connect();
    }

    public Task DisposeAsync()
    {
        _connection?.Dispose();
        _database.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Customers_view_has_the_BI_columns_and_leaves_out_redirects()
    {
        Assert.Equal(
        [
            "id", "user_id", "stage", "acquisition_channel", "acquisition_source", "acquisition_medium", "acquisition_campaign",
            "first_device", "first_seen", "last_seen", "orders_count", "revenue", "sessions_count", "bounces", "lifecycle_status",
            "lifecycle_since", "probability_alive", "expected_purchases_90", "predicted_clv", "historical_clv", "rfm_segment", "predictions_as_of", "updated_at",
        ], Columns("customers_v"));

        var rows = Query("SELECT * FROM customers_v ORDER BY id");

        Assert.Equal(["c-1", "c-2", "c-4"], rows.Select(r => r["id"]));
        var c1 = rows[0];
        Assert.Equal("u-1", c1["user_id"]);
        Assert.Equal("Conversion", c1["stage"]);
        Assert.Equal("paid_search", c1["acquisition_channel"]);
        Assert.Equal("mobile", c1["first_device"]);
        Assert.Equal("2026-03-02T09:30:15.123Z", c1["first_seen"]);
        Assert.Equal("2026-03-02T10:30:15.123Z", c1["last_seen"]);
        Assert.Equal(2L, c1["orders_count"]);
        Assert.Equal(150.5, c1["revenue"]);
        Assert.Equal(3L, c1["sessions_count"]);
        Assert.Equal(1L, c1["bounces"]);
        Assert.Equal("active", c1["lifecycle_status"]);
        Assert.Null(c1["predicted_clv"]);
        Assert.NotNull(c1["updated_at"]);

        var c2 = rows[1];
        Assert.Null(c2["user_id"]);
        Assert.Equal(0L, c2["orders_count"]);
        Assert.Equal(0L, c2["revenue"]);
        Assert.Equal("lapsed", c2["lifecycle_status"]);

        var c4 = rows[2];
        Assert.Equal(99.99, c4["revenue"]);
        Assert.Equal(0.75, c4["probability_alive"]);
        Assert.Equal(210.5, c4["predicted_clv"]);
        Assert.Equal("champions", c4["rfm_segment"]);
        Assert.Equal("2026-03-01", c4["predictions_as_of"]);
    }

    [Fact]
    public void Transitions_view_has_the_BI_columns_with_UTC_times()
    {
        Assert.Equal(
        [
            "id", "customer_id", "from_stage", "to_stage", "at", "day", "trigger_event", "rule", "channel", "acquisition_channel",
            "first_device", "days_since_first_touch", "sessions_since_first_touch",
        ], Columns("transitions_v"));

        var rows = Query("SELECT * FROM transitions_v WHERE customer_id = 'c-1' ORDER BY at");

        Assert.Equal(2, rows.Count);
        var conversion = rows[1];
        Assert.Equal("c-1:Conversion", conversion["id"]);
        Assert.Equal("Awareness", conversion["from_stage"]);
        Assert.Equal("Conversion", conversion["to_stage"]);
        Assert.Equal("2026-03-03T09:30:15.123Z", conversion["at"]);
        Assert.Equal("2026-03-03", conversion["day"]);
        Assert.Equal("Order Completed", conversion["trigger_event"]);
        Assert.Equal("first_order", conversion["rule"]);
        Assert.Equal("email", conversion["channel"]);
        Assert.Equal("paid_search", conversion["acquisition_channel"]);
        Assert.Equal("mobile", conversion["first_device"]);
        Assert.Equal(1.5, conversion["days_since_first_touch"]);
        Assert.Equal(3L, conversion["sessions_since_first_touch"]);
        Assert.Equal("None", rows[0]["from_stage"]);
    }

    [Fact]
    public void Dead_letter_view_has_the_BI_columns()
    {
        Assert.Equal(["id", "day", "reason", "partition", "sequence_number", "message_id", "customer_id", "at"], Columns("deadletter_v"));

        var row = Assert.Single(Query("SELECT * FROM deadletter_v WHERE sequence_number = 1041"));

        Assert.Equal("3-1041", row["id"]);
        Assert.Equal("2026-03-02", row["day"]);
        Assert.Equal("unreadable event: '}' is invalid", row["reason"]);
        Assert.Equal("3", row["partition"]);
        Assert.Equal(1041L, row["sequence_number"]);
        Assert.Equal("m-1041", row["message_id"]);
        Assert.Equal("anon-1041", row["customer_id"]);
        Assert.Equal("2026-03-02T08:15:00.123Z", row["at"]);
    }

    [Fact]
    public void Every_document_path_the_views_read_exists_in_the_JourneyJson_documents()
    {
        var sample = StoreTestData.PopulatedCustomer("c-1");
        // (view, column the JSON is read from) → a document of that column
        var documents = new Dictionary<(string View, string Column), string>
        {
            [("customers_v", "doc")] = JourneyJson.Serialize(sample),
            [("customers_v", "predictions")] = JourneyJson.Serialize(PredictionStoreContract.Sample()),
            [("transitions_v", "doc")] = JourneyJson.Serialize(StoreTestData.Transition("c-1", Stage.None, Stage.Awareness, T0)),
            [("deadletter_v", "doc")] = JourneyJson.Serialize(StoreTestData.DeadLetter("0", 1, "2026-03-02")),
            [("metrics_v", "doc")] = JourneyJson.Serialize(MetricsStoreContract.Document("retention", "2026-03-02")),
            [("feedback_v", "doc")] = JourneyJson.Serialize(FeedbackStoreContract.Item("c-1", "m-1")),
            [("actions_v", "doc")] = JourneyJson.Serialize(ActionStoreContract.Sample("c-1")),
            [("painpoints_v", "doc")] = JourneyJson.Serialize(PainPointStoreContract.Document("2026-03-01..2026-03-30", 1)),
        };
        var views = Query("SELECT name, sql FROM sqlite_schema WHERE type = 'view'").ToDictionary(r => (string)r["name"]!, r => (string)r["sql"]!);

        Assert.Equal(documents.Keys.Select(k => k.View).Distinct().Order(), views.Keys.Order());
        foreach (var ((view, column), json) in documents)
        {
            var paths = JsonPath().Matches(views[view]).Where(m => m.Groups[1].Value == column).Select(m => m.Groups[2].Value).Distinct().ToList();
            Assert.NotEmpty(paths);
            using var doc = JsonDocument.Parse(json);
            foreach (var path in paths)
            {
                var element = doc.RootElement;
                foreach (var segment in path.Split('.'))
                    Assert.True(element.TryGetProperty(segment, out element), $"{view} reads $.{path}, which the serialized document does not have");
            }
        }
    }

    [Fact]
    public async Task Feedback_and_painpoints_views_have_the_BI_columns()
    {
        await using (var store = _database.Open())
        {
            var item = FeedbackStoreContract.Item("c-1", "m-9", embedding: new Journey.Domain.Feedback.FeedbackEmbedding("minilm", [0.5f, -0.25f, 0.125f]));
            await store.AddAsync([item], Ct);
            await store.ReplacePeriodAsync("2026-03-01..2026-03-30", [PainPointStoreContract.Document("2026-03-01..2026-03-30", 1, T0)], Ct);
        }

        Assert.Equal(
        [
            "id", "period", "time", "day", "customer_id", "kind", "stage", "product_id", "category", "channel", "rating", "score", "score_scale",
            "title", "text", "text_hash", "message_id", "field", "embedding_model", "embedding_dimensions",
        ], Columns("feedback_v"));
        var row = Assert.Single(Query("SELECT * FROM feedback_v"));
        Assert.Equal(("m-9:review_body", "2026-03", "2026-03-02T09:30:15.123Z", "2026-03-02", "c-1", "review"), ((string)row["id"]!, (string)row["period"]!, (string)row["time"]!, (string)row["day"]!, (string)row["customer_id"]!, (string)row["kind"]!));
        Assert.Equal(("Conversion", "sku-1", "Dresses", "paid_search", 2L), ((string)row["stage"]!, (string)row["product_id"]!, (string)row["category"]!, (string)row["channel"]!, (long)row["rating"]!));
        Assert.Equal(("minilm", 3L), ((string)row["embedding_model"]!, (long)row["embedding_dimensions"]!));
        Assert.StartsWith("The zipper broke", (string)row["text"]!, StringComparison.Ordinal);

        var painPoint = Assert.Single(Query("SELECT * FROM painpoints_v"));
        Assert.Equal(("2026-03-01", "2026-03-30", 1L, 0L, "sizing runs small", 42L, "growing", "2026-03-02T09:30:15.123Z"),
            ((string)painPoint["since"]!, (string)painPoint["until"]!, (long)painPoint["rank"]!, (long)painPoint["is_other"]!, (string)painPoint["label"]!, (long)painPoint["texts"]!, (string)painPoint["trend"]!, (string)painPoint["generated_at"]!));
        Assert.Equal(4321.5, (double)painPoint["revenue_at_risk"]!);
    }

    [Fact]
    public void The_documented_SQLite_queries_run_and_answer()
    {
        var markdown = File.ReadAllText(FindRepositoryFile("docs/bi.md"));
        // The SQLite queries end with ';' (the Cosmos DB queries do not); the T-SQL example for Fabric is left out.
        var queries = SqlBlock().Matches(markdown).Select(m => m.Groups[1].Value.Trim())
            .Where(q => q.EndsWith(';') && !q.Contains("JSON_VALUE", StringComparison.Ordinal)).ToList();

        Assert.InRange(queries.Count, 20, 60);
        foreach (var sql in queries) Query(sql, ("id", "c-1")); // every one prepares and runs on the current schema

        var sankey = Query(queries.Single(q => q.StartsWith("SELECT from_stage, to_stage, count(*)", StringComparison.Ordinal)));
        Assert.Equal([("None", "Awareness", 2L), ("Awareness", "Conversion", 1L)], sankey.Select(r => ((string)r["from_stage"]!, (string)r["to_stage"]!, (long)r["customers"]!)));
        var links = Query(queries.Single(q => q.Contains("'$.links'", StringComparison.Ordinal)));
        Assert.Equal([("Awareness", "Conversion", 1L, 0L)], links.Select(r => ((string)r["from_stage"]!, (string)r["to_stage"]!, (long)r["customers"]!, (long)r["median_days"]!)));
        var stages = Query(queries.Single(q => q.Contains("'$.stages'", StringComparison.Ordinal) && q.Contains("'journey'", StringComparison.Ordinal)));
        Assert.Equal(
            [("Awareness", 2L, 1L, 1L), ("Consideration", 0L, 0L, 0L), ("Conversion", 1L, 0L, 1L), ("Retention", 0L, 0L, 0L), ("Advocacy", 0L, 0L, 0L)],
            stages.Select(r => ((string)r["stage"]!, (long)r["reached"]!, (long)r["advanced"]!, (long)r["stopped"]!)));
        var before = Query(queries.Single(q => q.Contains("'$.transitions'", StringComparison.Ordinal)));
        Assert.Equal(
            [("Conversion", "channels", "email", 1L), ("Conversion", "microConversions", "Product Added", 1L), ("Conversion", "microConversions", "Product Viewed", 1L), ("Conversion", "triggers", "Order Completed", 1L)],
            before.Select(r => ((string)r["to_stage"]!, (string)r["list"]!, (string)r["name"]!, (long)r["customers"]!)));
        Assert.Equal(2L, before[2]["mean"]);
        var path = Assert.Single(Query(queries.Single(q => q.Contains("'$.pathsToFirstOrder.paths'", StringComparison.Ordinal))));
        Assert.Equal((1L, "Awareness (paid_search) > Conversion (email)", 1L, 100L, 1.5, 3L),
            ((long)path["rank"]!, (string)path["path"]!, (long)path["customers"]!, (long)path["share_pct"]!, (double)path["median_days"]!, (long)path["median_sessions"]!));
        var lookup = Query(queries.Single(q => q.StartsWith("SELECT * FROM customers_v", StringComparison.Ordinal)), ("id", "u-1"));
        Assert.Equal("c-1", Assert.Single(lookup)["id"]);
        var rates = Query(queries.Single(q => q.Contains("$.bounceRate", StringComparison.Ordinal)))[0];
        Assert.Equal(("2026-03-01", 50L), ((string)rates["date"]!, (long)rates["conversion_rate_pct"]!));
        var periods = Query(queries.Single(q => q.Contains("LAG(", StringComparison.Ordinal))).ToDictionary(r => (string)r["period_until"]!);
        var week = periods["2026-03-15"];
        Assert.Equal(("2026-03-08", 0L, 60L, 20L, 5L, 8L), ((string)week["period_from"]!, (long)week["restated"]!, (long)week["sessions"]!, (long)week["new_customers"]!, (long)week["new_buyers"]!, (long)week["orders"]!));
        Assert.Equal((25.0, 25.0, 60.0, 50.0, 12.5, 25.0, 75.0), ((double)week["bounce_rate_pct"]!, (double)week["conversion_rate_pct"]!, (double)week["cart_abandonment_rate_pct"]!,
            Convert.ToDouble(week["average_order_value"], System.Globalization.CultureInfo.InvariantCulture), (double)week["cancel_rate_pct"]!, (double)week["return_rate_pct"]!, (double)week["csat_pct"]!));
        var erased = periods["2026-03-22"]; // a customer fewer: restated, no rates
        Assert.Equal((1L, null, null), ((long)erased["restated"]!, erased["bounce_rate_pct"], erased["conversion_rate_pct"]));
    }

    private List<string> Columns(string view) =>
        [.. Rows(Connection, $"SELECT name FROM pragma_table_info('{view}') ORDER BY cid").Select(r => (string)r[0]!)];

    private List<Dictionary<string, object?>> Query(string sql, params (string Name, string Value)[] parameters)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            if (sql.Contains(":" + name, StringComparison.Ordinal)) command.Parameters.AddWithValue(":" + name, value);
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    private static string FindRepositoryFile(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relativePath} was not found above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"json_extract\((doc|predictions), '\$\.([A-Za-z0-9_.]+)'\)")]
    private static partial Regex JsonPath();

    [GeneratedRegex(@"```sql\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();
}
