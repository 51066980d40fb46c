using System.Text.Json;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Feedback;
using Journey.Domain.Serialization;
using TestEvents = Journey.Testing.Events;

namespace Journey.Domain.Tests.Feedback;

public sealed class FeedbackExtractorTests
{
    private static readonly DateTimeOffset T0 = TestEvents.T0;

    private static readonly FeedbackExtractor Extractor = new(new FeedbackOptions());

    /// <summary>A customer who reached Awareness at T0, Conversion a day later and Retention five days later.</summary>
    private static CustomerDocument Customer(object? traits = null) => new()
    {
        Id = "u1",
        UserId = "u1",
        Acquisition = new Acquisition { Channel = "paid_search", FirstSeen = T0 },
        Traits = traits is null ? null : JsonSerializer.SerializeToElement(traits),
        StageReachedAt = new Dictionary<Stage, DateTimeOffset>
        {
            [Stage.Awareness] = T0,
            [Stage.Conversion] = T0.AddDays(1),
            [Stage.Retention] = T0.AddDays(5),
        },
        Stage = Stage.Retention,
    };

    private static FeedbackItem Single(JourneyEvent e, CustomerDocument? customer = null, FeedbackExtractor? extractor = null) =>
        Assert.Single((extractor ?? Extractor).Extract(customer ?? Customer(), e));

    [Fact]
    public void Product_Reviewed_with_the_Segment_spec_properties_is_a_review()
    {
        var e = TestEvents.Track(EventNames.ProductReviewed, userId: "u1", at: T0.AddDays(2), messageId: "m-review",
            properties: new { product_id = "1078", category = "Dresses", review_id = "r1", review_body = "  Runs small; I had to return it.  ", rating = 2, title = "Too small" });

        var item = Single(e);

        Assert.Equal("m-review:review_body", item.Id);
        Assert.Equal(FeedbackItem.IdFor("m-review", "review_body"), item.Id);
        Assert.Equal("feedback", item.Type);
        Assert.Equal("2026-03", item.Period);
        Assert.Equal(FeedbackKinds.Review, item.Kind);
        Assert.Equal("u1", item.CustomerId);
        Assert.Equal("m-review", item.MessageId);
        Assert.Equal("review_body", item.Field);
        Assert.Equal(T0.AddDays(2), item.Time);
        Assert.Equal("Conversion", item.Stage);
        Assert.Equal("1078", item.ProductId);
        Assert.Equal("Dresses", item.Category);
        Assert.Equal("paid_search", item.Channel);
        Assert.Equal(2, item.Rating);
        Assert.Null(item.Score);
        Assert.Equal("Runs small; I had to return it.", item.Text);
        Assert.Equal("Too small", item.Title);
        Assert.Equal(FeedbackExtractor.HashOf("Too small", "Runs small; I had to return it."), item.TextHash);
        Assert.Matches("^[0-9a-f]{32}$", item.TextHash);
        Assert.Null(item.Embedding);
    }

    [Theory]
    [InlineData("review_body")]
    [InlineData("reviewBody")]
    [InlineData("text")]
    [InlineData("body")]
    [InlineData("review")]
    [InlineData("comment")]
    [InlineData("content")]
    public void A_review_text_is_read_from_each_alias(string property)
    {
        var props = new Dictionary<string, object> { [property] = "Lovely fabric", ["review_title"] = "Nice", ["stars"] = "4", ["productId"] = "p9" };
        var item = Single(TestEvents.Track(EventNames.ProductReviewed, userId: "u1", properties: props, messageId: "m1"));

        Assert.Equal(property, item.Field);
        Assert.Equal($"m1:{property}", item.Id);
        Assert.Equal("Lovely fabric", item.Text);
        Assert.Equal("Nice", item.Title);
        Assert.Equal(4, item.Rating);
        Assert.Equal("p9", item.ProductId);
    }

    [Theory]
    [InlineData(EventNames.FeedbackSubmitted, FeedbackKinds.Feedback, "text")]
    [InlineData(EventNames.FeedbackSubmitted, FeedbackKinds.Feedback, "comment")]
    [InlineData(EventNames.FeedbackSubmitted, FeedbackKinds.Feedback, "message")]
    [InlineData(FeedbackExtractor.SurveyAnswered, FeedbackKinds.Survey, "answer")]
    [InlineData(FeedbackExtractor.SurveyAnswered, FeedbackKinds.Survey, "response")]
    [InlineData(FeedbackExtractor.SurveyAnswered, FeedbackKinds.Survey, "feedback")]
    public void Feedback_and_survey_answers_carry_text_score_and_scale(string name, string kind, string property)
    {
        var props = new Dictionary<string, object> { [property] = "Checkout kept failing", ["score"] = 3, ["scale"] = 10 };
        var item = Single(TestEvents.Track(name, userId: "u1", properties: props));

        Assert.Equal(kind, item.Kind);
        Assert.Equal(property, item.Field);
        Assert.Equal(3, item.Score);
        Assert.Equal(10, item.ScoreScale);
        Assert.Null(item.Rating);
        Assert.Null(item.Title);
    }

    [Fact]
    public void A_feedback_score_may_come_as_rating_csat_or_nps_and_without_a_scale()
    {
        Assert.Equal(2, Single(TestEvents.Track(EventNames.FeedbackSubmitted, userId: "u1", properties: new { text = "meh", rating = 2 })).Score);
        Assert.Equal(1, Single(TestEvents.Track(EventNames.FeedbackSubmitted, userId: "u1", properties: new { text = "meh", csat = 1 })).Score);
        var nps = Single(TestEvents.Track(FeedbackExtractor.SurveyAnswered, userId: "u1", properties: new { answer = "meh", nps = "6", maxScore = 10 }));
        Assert.Equal((6d, 10d), (nps.Score!.Value, nps.ScoreScale!.Value));
        Assert.Null(Single(TestEvents.Track(EventNames.FeedbackSubmitted, userId: "u1", properties: new { text = "meh" })).ScoreScale);
    }

    [Fact]
    public void Cancel_refund_and_return_reasons_take_the_first_product_of_the_order()
    {
        var products = new[] { new { product_id = "p1", category = "Shoes" }, new { product_id = "p2", category = "Bags" } };
        var cancel = Single(TestEvents.Track(EventNames.OrderCancelled, userId: "u1", properties: new { order_id = "o1", reason = "Delivery too slow", products }));
        var refund = Single(TestEvents.Track(EventNames.OrderRefunded, userId: "u1", properties: new { order_id = "o1", refund_reason = "Arrived damaged", products }));
        var returned = Single(TestEvents.Track(FeedbackExtractor.ProductReturned, userId: "u1", properties: new { product_id = "p7", category = "Tops", returnReason = "Wrong colour" }));

        Assert.Equal((FeedbackKinds.Cancel, "reason", "Delivery too slow", "p1", "Shoes"), (cancel.Kind, cancel.Field, cancel.Text, cancel.ProductId, cancel.Category));
        Assert.Equal((FeedbackKinds.Refund, "refund_reason", "Arrived damaged", "p1", "Shoes"), (refund.Kind, refund.Field, refund.Text, refund.ProductId, refund.Category));
        Assert.Equal((FeedbackKinds.Return, "returnReason", "Wrong colour", "p7", "Tops"), (returned.Kind, returned.Field, returned.Text, returned.ProductId, returned.Category));
        Assert.All([cancel, refund, returned], i => Assert.Null(i.Rating ?? i.Score));
    }

    [Fact]
    public void An_order_event_without_a_reason_and_other_events_make_no_item()
    {
        var customer = Customer();
        Assert.Empty(Extractor.Extract(customer, TestEvents.Track(EventNames.OrderCancelled, userId: "u1", properties: new { order_id = "o1", revenue = 10 })));
        Assert.Empty(Extractor.Extract(customer, TestEvents.Track(EventNames.OrderCompleted, userId: "u1", properties: new { order_id = "o1", reason = "birthday" })));
        Assert.Empty(Extractor.Extract(customer, TestEvents.Track(EventNames.ProductReviewed, userId: "u1")));
        Assert.Empty(Extractor.Extract(customer, TestEvents.Identify("u1", "a1", traits: new { comment = "hello" })));
        Assert.False(Extractor.MayCarryFeedback(TestEvents.Track(EventNames.OrderCompleted, userId: "u1", properties: new { order_id = "o1" })));
        Assert.True(Extractor.MayCarryFeedback(TestEvents.Track(EventNames.OrderCancelled, userId: "u1", properties: new { order_id = "o1" })));
    }

    [Fact]
    public void Configured_text_properties_are_captured_on_any_event_once_per_field()
    {
        var extractor = new FeedbackExtractor(new FeedbackOptions { TextProperties = " note , comment,note" });

        var note = Single(TestEvents.Track(EventNames.CheckoutStepCompleted, userId: "u1", properties: new { step = 2, note = "Why is shipping so expensive?" }, messageId: "m-note"), extractor: extractor);
        Assert.Equal((FeedbackKinds.Text, "note", "m-note:note"), (note.Kind, note.Field, note.Id));
        Assert.Null(note.ProductId);

        // A review whose text is a configured property too: one item, the review.
        var review = Single(TestEvents.Track(EventNames.ProductReviewed, userId: "u1", properties: new { comment = "Great", rating = 5 }), extractor: extractor);
        Assert.Equal(FeedbackKinds.Review, review.Kind);

        // A review with a configured property besides its text: both.
        var both = extractor.Extract(Customer(), TestEvents.Track(EventNames.ProductReviewed, userId: "u1", properties: new { review_body = "Great", note = "gift for mum", rating = 5 }));
        Assert.Equal([(FeedbackKinds.Review, "review_body"), (FeedbackKinds.Text, "note")], both.Select(i => (i.Kind, i.Field)));

        Assert.Empty(Extractor.Extract(Customer(), TestEvents.Track(EventNames.CheckoutStepCompleted, userId: "u1", properties: new { note = "x" })));
    }

    [Fact]
    public void The_stage_is_the_furthest_reached_at_or_before_the_event()
    {
        string? StageAt(DateTimeOffset at) => Single(TestEvents.Track(EventNames.FeedbackSubmitted, userId: "u1", at: at, properties: new { text = "hi" })).Stage;

        Assert.Null(StageAt(T0.AddTicks(-1)));
        Assert.Equal("Awareness", StageAt(T0));
        Assert.Equal("Awareness", StageAt(T0.AddDays(1).AddTicks(-1)));
        Assert.Equal("Conversion", StageAt(T0.AddDays(1)));
        Assert.Equal("Retention", StageAt(T0.AddDays(5).ToOffset(TimeSpan.FromHours(-7))));
        Assert.Equal("Retention", StageAt(T0.AddYears(1)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n\u00A0\u3000")]
    public void An_empty_text_makes_no_item_and_an_empty_title_is_none(string blank)
    {
        Assert.Empty(Extractor.Extract(Customer(), TestEvents.Track(EventNames.ProductReviewed, userId: "u1", properties: new { review_body = blank, rating = 1 })));
        Assert.Empty(Extractor.Extract(Customer(), TestEvents.Track(EventNames.OrderCancelled, userId: "u1", properties: new { reason = blank })));
        Assert.Null(Single(TestEvents.Track(EventNames.ProductReviewed, userId: "u1", properties: new { review_body = "ok", title = blank })).Title);
    }

    [Fact]
    public void A_long_text_is_cut_at_a_word_to_the_configured_length()
    {
        var extractor = new FeedbackExtractor(new FeedbackOptions { MaxTextLength = 200, MaxTitleLength = 20 });
        var words = string.Join(' ', Enumerable.Range(0, 100_000).Select(i => $"word{i}"));
        var item = Single(TestEvents.Track(EventNames.ProductReviewed, userId: "u1", properties: new { review_body = words, title = "A title that is much too long" }), extractor: extractor);

        Assert.InRange(item.Text.Length, 150, 200);
        Assert.StartsWith("word0 word1 ", item.Text, StringComparison.Ordinal);
        Assert.True(words.StartsWith(item.Text + " ", StringComparison.Ordinal), "cut at a word boundary");
        Assert.Equal("A title that is much", item.Title);

        // No word boundary, and astral characters: never half a surrogate pair.
        var emoji = string.Concat(Enumerable.Repeat("😀", 1000));
        var cut = Single(TestEvents.Track(EventNames.FeedbackSubmitted, userId: "u1", properties: new { text = emoji }), extractor: extractor).Text;
        Assert.InRange(cut.Length, 198, 200);
        Assert.False(char.IsHighSurrogate(cut[^1]));
        Assert.Equal(cut, string.Concat(Enumerable.Repeat("😀", cut.Length / 2)));
    }

    [Fact]
    public void Extracting_the_same_events_again_gives_the_same_items()
    {
        var events = new[]
        {
            TestEvents.Track(EventNames.ProductReviewed, userId: "u1", properties: new { review_body = "Zu klein", rating = 2 }, messageId: "m1"),
            TestEvents.Track(EventNames.OrderCancelled, userId: "u1", properties: new { reason = "Changed my mind" }, messageId: "m2"),
            TestEvents.Track(EventNames.OrderCancelled, userId: "u1", properties: new { reason = "Changed my mind" }, messageId: "m2"), // delivered twice in one batch
        };

        var first = Extractor.Extract(Customer(), events);
        var again = Extractor.Extract(Customer(), events.Reverse().Reverse().ToList());

        Assert.Equal(["m1:review_body", "m2:reason"], first.Select(i => i.Id));
        Assert.Equal(first.Select(JourneyJson.Serialize), again.Select(JourneyJson.Serialize));
    }

    [Theory]
    [InlineData("Die Größe fällt klein aus, Ärmel zu kurz.")]
    [InlineData("サイズが小さすぎました。返品します。")]
    [InlineData("المقاس صغير جدا")]
    [InlineData("Trop petit 😞 — déçue")]
    public void Non_english_text_passes_through_intact(string text)
    {
        var item = Single(TestEvents.Track(EventNames.ProductReviewed, userId: "u1", properties: new { review_body = text, rating = 1 }));

        Assert.Equal(text, item.Text);
        Assert.Equal(text, JourneyJson.Deserialize<FeedbackItem>(JourneyJson.Serialize(item)).Text);
    }

    [Fact]
    public void A_planted_email_in_the_text_or_title_never_reaches_the_item()
    {
        var customer = Customer(new { email = "ada@example.com" });
        var e = TestEvents.Track(EventNames.ProductReviewed, userId: "u1",
            properties: new { review_body = "Write to me at ada.lovelace+shop@example.org about it", title = "Mail bob@example.net", rating = 1 });

        var item = Single(e, customer);
        var json = JourneyJson.Serialize(item);

        Assert.DoesNotContain("@example", json, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("[email]", item.Text, StringComparison.Ordinal);
        Assert.Contains("[email]", item.Title, StringComparison.Ordinal);
        Assert.Equal(FeedbackExtractor.HashOf(item.Title, item.Text), item.TextHash);
    }

    [Fact]
    public void The_customers_own_name_from_traits_never_reaches_the_item()
    {
        var customer = Customer(new { name = "Ada Lovelace", first_name = "Ada", lastName = "Lovelace", email = "ada@example.com" });
        var e = TestEvents.Track(EventNames.FeedbackSubmitted, userId: "u1", properties: new { text = "Hi, this is Ada Lovelace. Lovelace family order was late.", score = 1 }) with
        {
            // context.traits of the event itself
            Traits = JsonSerializer.SerializeToElement(new { firstName = "Augusta" }),
        };
        var review = TestEvents.Track(EventNames.ProductReviewed, userId: "u1", properties: new { review_body = "Augusta says: fine", title = "From Ada", rating = 3 }) with
        {
            Traits = JsonSerializer.SerializeToElement(new { firstName = "Augusta" }),
        };

        var items = Extractor.Extract(customer, [e, review]);

        Assert.Equal(2, items.Count);
        foreach (var item in items)
        {
            var json = JourneyJson.Serialize(item);
            Assert.DoesNotContain("Ada", json, StringComparison.Ordinal);
            Assert.DoesNotContain("Lovelace", json, StringComparison.Ordinal);
            Assert.DoesNotContain("Augusta", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Options_are_checked()
    {
        Assert.Empty(new FeedbackOptions().Validate());
        Assert.Empty(new FeedbackOptions { TextProperties = "note, comment" }.Validate());
        Assert.Equal(["note", "comment"], new FeedbackOptions { TextProperties = "note, ,comment,note" }.TextPropertyNames);
        Assert.Contains(new FeedbackOptions { MaxTextLength = 50 }.Validate(), p => p.Contains("Feedback:MaxTextLength", StringComparison.Ordinal));
        Assert.Contains(new FeedbackOptions { MaxTextLength = 1_000_000 }.Validate(), p => p.Contains("Feedback:MaxTextLength", StringComparison.Ordinal));
        Assert.Contains(new FeedbackOptions { TextProperties = "a/b" }.Validate(), p => p.Contains("Feedback:TextProperties", StringComparison.Ordinal));
    }
}
