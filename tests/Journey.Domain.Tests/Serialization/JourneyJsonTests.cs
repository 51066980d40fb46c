using System.Text.Json;
using System.Text.Json.Serialization;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Serialization;
using Journey.Domain.Stages;
using Journey.Testing;
using static Journey.Testing.Events;

namespace Journey.Domain.Tests.Serialization;

public class JourneyJsonTests
{
    /// <summary>The options as they were before the context's fast path: the same resolver, plus a string-enum converter at run time.</summary>
    private static readonly JsonSerializerOptions MetadataPath = WithEnumConverter();

    [Fact]
    public async Task A_customer_document_is_written_byte_for_byte_as_the_metadata_serializer_writes_it()
    {
        var (customer, transitions) = await RichCustomerAsync();
        Assert.NotNull(customer.Journey.Baseline); // compacted: the fold state is in the document too
        Assert.NotEmpty(customer.Journey.Timeline);
        Assert.NotEmpty(customer.StageReachedAt); // a dictionary keyed by an enum

        Assert.Equal(JsonSerializer.Serialize(customer, MetadataPath), JourneyJson.Serialize(customer));
        Assert.Equal(JsonSerializer.Serialize(customer.Journey, MetadataPath), JourneyJson.Serialize(customer.Journey));
        Assert.Equal(JsonSerializer.Serialize(customer, MetadataPath).Replace(",\"journey\":" + JourneyJson.Serialize(customer.Journey), "", StringComparison.Ordinal), JourneyJson.SerializeWithoutJourney(customer));
        foreach (var transition in transitions)
            Assert.Equal(JsonSerializer.Serialize(transition, MetadataPath), JourneyJson.Serialize(transition));
    }

    [Fact]
    public async Task A_customer_document_reads_back_to_the_same_json()
    {
        var (customer, _) = await RichCustomerAsync();
        var json = JourneyJson.Serialize(customer);

        var back = JourneyJson.Deserialize<CustomerDocument>(json);

        Assert.Equal(json, JourneyJson.Serialize(back));
        Assert.Equal(customer.Stage, back.Stage);
        Assert.Contains("\"stage\":\"" + customer.Stage + "\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Enums_read_from_their_names_and_from_numbers()
    {
        var byName = JourneyJson.Deserialize<CustomerDocument>("""{"id":"c","stage":"Retention"}""");
        var byNumber = JourneyJson.Deserialize<CustomerDocument>($$"""{"id":"c","stage":{{(int)Stage.Advocacy}}}""");

        Assert.Equal(Stage.Retention, byName.Stage);
        Assert.Equal(Stage.Advocacy, byNumber.Stage);
    }

    [Fact]
    public void The_options_carry_no_run_time_converter_so_the_generated_fast_path_is_used()
    {
        // Any converter added to the options turns the source generator's fast path off for every
        // type (about a quarter more CPU to write a customer document, see JourneyJson.Create).
        // Enums are strings through the context's UseStringEnumConverter instead.
        Assert.Empty(JourneyJson.Options.Converters);
        Assert.IsType<JourneyJsonContext>(JourneyJson.Options.TypeInfoResolver);
    }

    private static JsonSerializerOptions WithEnumConverter()
    {
        var options = new JsonSerializerOptions(JourneyJson.Options);
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>A customer with a compacted timeline, orders, a refund, a review, carts, email and page views, identified after anonymous events.</summary>
    private static Task<(CustomerDocument Customer, IReadOnlyList<TransitionDocument> Transitions)> RichCustomerAsync()
    {
        var h = new Journeys(new JourneyRulesOptions { CompactAbove = 12, CompactKeep = 10 });
        var t = 0.0;
        DateTimeOffset Next() => T0.AddMinutes(t += 7);
        h.Add(
            Page("/", "a1", at: Next(), channel: "organic_search"),
            Track(EventNames.ProductViewed, "a1", at: Next(), properties: new { product_id = 7, category = "Shoes" }),
            Page("/returns", "a1", at: Next()),
            Identify("u1", "a1", at: Next(), traits: new { email = "u1@example.com", name = "Caf\u00e9 \"Kim\"" }));
        h.Add(
            Track(EventNames.ProductAdded, "a1", "u1", at: Next(), properties: new { product_id = 7, price = 42.5, quantity = 2 }),
            Track(EventNames.OrderCompleted, "a1", "u1", at: Next(), properties: new { order_id = "o1", revenue = 85.0, category = "Shoes" }),
            Track("Order Refunded", userId: "u1", at: Next(), properties: new { order_id = "o1", total = 42.5 }),
            Track("Email Opened", userId: "u1", at: Next()),
            Track(EventNames.ProductAdded, userId: "u1", at: Next(), properties: new { product_id = 8, price = 10 }));
        h.Add(
            Track(EventNames.OrderCompleted, userId: "u1", at: T0.AddDays(20), properties: new { order_id = "o2", revenue = 19.99 }),
            Track("Product Reviewed", userId: "u1", at: T0.AddDays(21), properties: new { product_id = 7, rating = 5 }),
            Page("/p/7", userId: "u1", at: T0.AddDays(21).AddMinutes(1)),
            Page("/p/8", userId: "u1", at: T0.AddDays(21).AddMinutes(3)),
            Track(EventNames.ProductViewed, userId: "u1", at: T0.AddDays(21).AddMinutes(4), properties: new { product_id = 8 }));
        return Task.FromResult((h.Customer, h.Transitions));
    }
}
