using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Stages;
using Journey.Testing;
using static Journey.Testing.Events;

namespace Journey.Domain.Tests.Stages;

/// <summary>Every default stage rule of PRODUCT.md, one customer each.</summary>
public sealed class StageRuleTests
{
    private static DateTimeOffset At(double minutes) => T0.AddMinutes(minutes);

    private static Task<(CustomerDocument Customer, IReadOnlyList<TransitionDocument> Transitions)> JourneyOf(params JourneyEvent[] events) =>
        JourneyOf(new JourneyRulesOptions(), events);

    private static Task<(CustomerDocument Customer, IReadOnlyList<TransitionDocument> Transitions)> JourneyOf(JourneyRulesOptions options, params JourneyEvent[] events) =>
        Task.FromResult(Journeys.Of(options, events));

    [Fact]
    public async Task FirstEvent_EntersAwareness_WithFirstTouchRule()
    {
        var (c, t) = await JourneyOf(Track(EventNames.ContentViewed, "a", at: At(0)));
        Assert.Equal(Stage.Awareness, c.Stage);
        var only = Assert.Single(t);
        Assert.Equal((Stage.None, Stage.Awareness, StageRules.FirstTouch), (only.From, only.To, only.Rule));
        Assert.Equal(At(0), only.At);
        Assert.Equal("a:Awareness", only.Id);
    }

    [Fact]
    public async Task OneProductView_StaysInAwareness()
    {
        var (c, _) = await JourneyOf(Track(EventNames.ProductViewed, "a", at: At(0)));
        Assert.Equal(Stage.Awareness, c.Stage);
    }

    [Fact]
    public async Task SecondProductView_EntersConsideration()
    {
        var (c, t) = await JourneyOf(Track(EventNames.ProductViewed, "a", at: At(0)), Track(EventNames.ProductViewed, "a", at: At(2)));
        Assert.Equal(Stage.Consideration, c.Stage);
        Assert.Equal(At(2), c.StageReachedAt[Stage.Consideration]);
        Assert.Equal(StageRules.TwoProductViews, t[1].Rule);
        Assert.Equal(2, t[1].MicroConversions[EventNames.ProductViewed]);
    }

    [Theory]
    [InlineData(EventNames.ProductAdded)]
    [InlineData(EventNames.ProductAddedToWishlist)]
    public async Task CartOrWishlistAdd_EntersConsideration(string name)
    {
        var (c, t) = await JourneyOf(Page("/", "a", at: At(0)), Track(name, "a", at: At(1)));
        Assert.Equal(Stage.Consideration, c.Stage);
        Assert.Equal(StageRules.CartOrWishlistAdd, t[1].Rule);
    }

    [Fact]
    public async Task SearchFollowedByProductView_EntersConsideration()
    {
        var (c, t) = await JourneyOf(Track(EventNames.ProductsSearched, "a", at: At(0)), Track(EventNames.ProductViewed, "a", at: At(1)));
        Assert.Equal(Stage.Consideration, c.Stage);
        Assert.Equal(StageRules.SearchThenProductView, t[1].Rule);
    }

    [Fact]
    public async Task ProductViewBeforeSearch_IsNotSearchThenView()
    {
        var (c, _) = await JourneyOf(Track(EventNames.ProductViewed, "a", at: At(0)), Track(EventNames.ProductsSearched, "a", at: At(1)));
        Assert.Equal(Stage.Awareness, c.Stage);
    }

    [Theory]
    [InlineData("/pages/returns")]
    [InlineData("/about")]
    [InlineData("/size-guide")]
    public async Task PolicyPageView_EntersConsideration(string path)
    {
        var (c, t) = await JourneyOf(Page("/", "a", at: At(0)), Page(path, "a", at: At(1)));
        Assert.Equal(Stage.Consideration, c.Stage);
        Assert.Equal(StageRules.ConsiderationPageViewed, t[1].Rule);
    }

    [Fact]
    public async Task SecondSession_EntersConsideration()
    {
        var (c, t) = await JourneyOf(Page("/", "a", at: At(0)), Page("/blog", "a", at: At(31)));
        Assert.Equal(Stage.Consideration, c.Stage);
        Assert.Equal(StageRules.SecondSession, t[1].Rule);
        Assert.Equal(2, t[1].SessionsSinceFirstTouch);
    }

    [Fact]
    public async Task PageViewsWithinThirtyMinutes_AreOneSession()
    {
        var (c, _) = await JourneyOf(Page("/", "a", at: At(0)), Page("/blog", "a", at: At(29)), Page("/x", "a", at: At(58)));
        Assert.Equal(Stage.Awareness, c.Stage);
        Assert.Equal(1, c.Sessions.Count);
        Assert.Equal(0, c.Sessions.Bounces);
        Assert.Equal(29 * 60, c.Sessions.AverageTimeOnPageSeconds);
    }

    [Fact]
    public async Task FirstOrder_EntersConversion_RecordingTheSkippedStage()
    {
        var (c, t) = await JourneyOf(Page("/", "a", at: At(0)), Track(EventNames.OrderCompleted, "a", at: At(3), properties: new { order_id = "o1", revenue = 10 }));
        Assert.Equal(Stage.Conversion, c.Stage);
        Assert.Equal(2, t.Count);
        Assert.Equal((Stage.Awareness, Stage.Conversion, StageRules.FirstOrder), (t[1].From, t[1].To, t[1].Rule));
        Assert.Equal([Stage.Consideration], t[1].Skipped);
        Assert.False(c.StageReachedAt.ContainsKey(Stage.Consideration));
    }

    [Fact]
    public async Task OrderAsFirstEvent_EntersAwarenessThenConversion()
    {
        var (c, t) = await JourneyOf(Track(EventNames.OrderCompleted, "a", at: At(0), properties: new { order_id = "o1", revenue = 10 }));
        Assert.Equal(Stage.Conversion, c.Stage);
        Assert.Equal([Stage.Awareness, Stage.Conversion], t.Select(x => x.To));
        Assert.All(t, x => Assert.Equal(At(0), x.At));
    }

    [Fact]
    public async Task SecondOrderSameDay_StaysInConversion()
    {
        var (c, _) = await JourneyOf(
            Track(EventNames.OrderCompleted, "a", at: At(0), properties: new { order_id = "o1", revenue = 10 }),
            Track(EventNames.OrderCompleted, "a", at: At(60), properties: new { order_id = "o2", revenue = 5 }));
        Assert.Equal(Stage.Conversion, c.Stage);
        Assert.Equal(2, c.Orders.Count);
        Assert.Equal(15m, c.Orders.Revenue);
    }

    [Fact]
    public async Task SecondOrderOnAnotherDay_EntersRetention()
    {
        var (c, t) = await JourneyOf(
            Track(EventNames.OrderCompleted, "a", at: At(0), properties: new { order_id = "o1", revenue = 10 }),
            Track(EventNames.OrderCompleted, "a", at: At(60 * 24 * 3), properties: new { order_id = "o2", revenue = 5 }));
        Assert.Equal(Stage.Retention, c.Stage);
        Assert.Equal(StageRules.RepeatOrderOnAnotherDay, t[^1].Rule);
        Assert.Equal(3, t[^1].DaysSinceFirstTouch);
    }

    [Fact]
    public async Task SameOrderIdTwice_IsOneOrder()
    {
        var (c, _) = await JourneyOf(
            Track(EventNames.OrderCompleted, "a", at: At(0), properties: new { order_id = "o1", revenue = 10 }),
            Track(EventNames.OrderCompleted, "a", at: At(60 * 24 * 3), properties: new { order_id = "o1", revenue = 10 }));
        Assert.Equal(Stage.Conversion, c.Stage);
        Assert.Equal(1, c.Orders.Count);
        Assert.Equal(2, c.Counters[EventNames.OrderCompleted]);
    }

    [Fact]
    public async Task PostPurchaseFeedback_DoesNotRetainByDefault()
    {
        var (c, _) = await JourneyOf(
            Track(EventNames.OrderCompleted, "a", at: At(0), properties: new { order_id = "o1" }),
            Track(EventNames.FeedbackSubmitted, "a", at: At(5), properties: new { rating = 5 }));
        Assert.Equal(Stage.Conversion, c.Stage);
        Assert.Equal(100.0, c.Ratings.Csat);
    }

    [Theory]
    [InlineData(EventNames.FeedbackSubmitted)]
    [InlineData(EventNames.EmailLinkClicked)]
    public async Task PostPurchaseEngagement_RetainsWhenConfigured(string name)
    {
        var options = new JourneyRulesOptions { RetentionOnPostPurchaseEngagement = true };
        var (c, t) = await JourneyOf(options,
            Track(EventNames.OrderCompleted, "a", at: At(0), properties: new { order_id = "o1" }),
            Track(name, "a", at: At(5), properties: new { rating = 2 }));
        Assert.Equal(Stage.Retention, c.Stage);
        Assert.Equal(StageRules.PostPurchaseEngagement, t[^1].Rule);
    }

    [Fact]
    public async Task NewSessionAfterOrder_RetainsWhenConfigured()
    {
        var options = new JourneyRulesOptions { RetentionOnPostPurchaseEngagement = true };
        var (c, _) = await JourneyOf(options,
            Track(EventNames.OrderCompleted, "a", at: At(0), properties: new { order_id = "o1" }),
            Page("/", "a", at: At(120)));
        Assert.Equal(Stage.Retention, c.Stage);
    }

    [Theory]
    [InlineData(EventNames.ReferralSent)]
    [InlineData(EventNames.ProductShared)]
    public async Task ReferralOrShareAfterConversion_EntersAdvocacy(string name)
    {
        var (c, t) = await JourneyOf(
            Track(EventNames.OrderCompleted, "a", at: At(0), properties: new { order_id = "o1" }),
            Track(name, "a", at: At(5)));
        Assert.Equal(Stage.Advocacy, c.Stage);
        Assert.Equal((Stage.Conversion, Stage.Advocacy), (t[^1].From, t[^1].To));
        Assert.Equal([Stage.Retention], t[^1].Skipped);
    }

    [Fact]
    public async Task ReferralBeforeConversion_IsNotAdvocacy()
    {
        var (c, _) = await JourneyOf(Track(EventNames.ReferralSent, "a", at: At(0)), Track(EventNames.OrderCompleted, "a", at: At(5), properties: new { order_id = "o1" }));
        Assert.Equal(Stage.Conversion, c.Stage);
    }

    [Theory]
    [InlineData(5, Stage.Advocacy)]
    [InlineData(4, Stage.Advocacy)]
    [InlineData(3, Stage.Conversion)]
    public async Task ReviewAfterConversion_EntersAdvocacyOnlyWhenRatedFourOrFive(int rating, Stage expected)
    {
        var (c, _) = await JourneyOf(
            Track(EventNames.OrderCompleted, "a", at: At(0), properties: new { order_id = "o1" }),
            Track(EventNames.ProductReviewed, "a", at: At(5), properties: new { rating }));
        Assert.Equal(expected, c.Stage);
        Assert.Equal(rating, c.Ratings.AverageReviewRating);
    }

    [Fact]
    public async Task StageNeverGoesBack()
    {
        var (c, t) = await JourneyOf(
            Track(EventNames.OrderCompleted, "a", at: At(0), properties: new { order_id = "o1" }),
            Track(EventNames.ReferralSent, "a", at: At(5)),
            Track(EventNames.OrderCompleted, "a", at: At(60 * 24 * 2), properties: new { order_id = "o2" }),
            Page("/", "a", at: At(60 * 24 * 30)));
        Assert.Equal(Stage.Advocacy, c.Stage);
        Assert.Equal([Stage.Awareness, Stage.Conversion, Stage.Advocacy], t.Select(x => x.To));
    }

    [Fact]
    public async Task SinglePageSession_IsABounce()
    {
        var (c, _) = await JourneyOf(Page("/", "a", at: At(0)), Page("/", "a", at: At(120)), Page("/x", "a", at: At(121)));
        Assert.Equal(2, c.Sessions.Count);
        Assert.Equal(1, c.Sessions.Bounces);
    }

    [Fact]
    public async Task CartWithoutOrderWithinWindow_IsAbandoned()
    {
        var (c, _) = await JourneyOf(
            Track(EventNames.ProductAdded, "a", at: At(0), properties: new { price = 20, quantity = 2 }),
            Page("/", "a", at: At(60 * 25)),
            Track(EventNames.ProductAdded, "a", at: At(60 * 26), properties: new { price = 5 }),
            Track(EventNames.OrderCompleted, "a", at: At(60 * 26 + 5), properties: new { order_id = "o1" }));
        Assert.Equal(2, c.Carts.Created);
        Assert.Equal(1, c.Carts.Abandoned);
        Assert.Equal(1, c.Carts.Converted);
        Assert.Equal(0, c.Carts.OpenItems);
    }

    [Fact]
    public async Task OpenCart_KeepsValueUntilTheWindowPasses()
    {
        var (c, _) = await JourneyOf(Track(EventNames.ProductAdded, "a", at: T0.AddDays(1).AddHours(-1), properties: new { price = 20, quantity = 2 }));
        Assert.Equal(40m, c.Carts.OpenValue);
        Assert.Equal(2, c.Carts.OpenItems);
        Assert.Equal(0, c.Carts.Abandoned);
    }
}
