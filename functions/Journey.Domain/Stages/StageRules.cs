using Journey.Domain.Customers;

namespace Journey.Domain.Stages;

/// <summary>
/// A named rule that moves a customer into <see cref="Target"/> when it holds for the
/// customer's state after an event. Rules only ever move a customer forward.
/// </summary>
public sealed record StageRule(string Name, Stage Target, Func<FoldState, bool> Holds);

/// <summary>The default journey rules of PRODUCT.md, in the order they are tried.</summary>
public static class StageRules
{
    public const string FirstTouch = "first-touch";
    public const string TwoProductViews = "product-views";
    public const string CartOrWishlistAdd = "cart-or-wishlist-add";
    public const string SearchThenProductView = "search-then-product-view";
    public const string ConsiderationPageViewed = "consideration-page-viewed";
    public const string SecondSession = "second-session";
    public const string FirstOrder = "first-order";
    public const string RepeatOrderOnAnotherDay = "repeat-order-another-day";
    public const string PostPurchaseEngagement = "post-purchase-engagement";
    public const string ReferralShareOrPositiveReview = "referral-share-or-positive-review";

    /// <summary>The rules for these options, highest target first, so a skip takes the furthest stage reached.</summary>
    public static IReadOnlyList<StageRule> For(JourneyRulesOptions options)
    {
        var rules = new List<StageRule>
        {
            new(ReferralShareOrPositiveReview, Stage.Advocacy, s => s.AdvocacyAction),
            new(RepeatOrderOnAnotherDay, Stage.Retention, s => s.RepeatOrderOnAnotherDay),
        };
        if (options.RetentionOnPostPurchaseEngagement)
            rules.Add(new(PostPurchaseEngagement, Stage.Retention, s => s.PostPurchaseEngaged));
        rules.AddRange(
        [
            new(FirstOrder, Stage.Conversion, s => s.Orders.Count > 0),
            new(CartOrWishlistAdd, Stage.Consideration, s => s.CartOrWishlistAdded),
            new(TwoProductViews, Stage.Consideration, s => s.ProductViews >= options.ProductViewsForConsideration),
            new(SearchThenProductView, Stage.Consideration, s => s.SearchThenView),
            new(ConsiderationPageViewed, Stage.Consideration, s => s.PolicyPageViewed),
            new(SecondSession, Stage.Consideration, s => s.Sessions.Count >= 2),
            new(FirstTouch, Stage.Awareness, s => s.Counters.Count > 0),
        ]);
        return rules;
    }
}
