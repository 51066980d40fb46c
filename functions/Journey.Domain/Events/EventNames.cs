namespace Journey.Domain.Events;

/// <summary>Event names of the Segment Ecommerce v2 spec and the ones Journey adds.</summary>
public static class EventNames
{
    public const string PageViewed = "Page Viewed";
    public const string ScreenViewed = "Screen Viewed";
    public const string ProductsSearched = "Products Searched";
    public const string ProductListViewed = "Product List Viewed";
    public const string ProductListFiltered = "Product List Filtered";
    public const string ProductClicked = "Product Clicked";
    public const string ProductViewed = "Product Viewed";
    public const string ProductAdded = "Product Added";
    public const string ProductRemoved = "Product Removed";
    public const string CartViewed = "Cart Viewed";
    public const string CheckoutStarted = "Checkout Started";
    public const string CheckoutStepViewed = "Checkout Step Viewed";
    public const string CheckoutStepCompleted = "Checkout Step Completed";
    public const string PaymentInfoEntered = "Payment Info Entered";
    public const string OrderCompleted = "Order Completed";
    public const string OrderUpdated = "Order Updated";
    public const string OrderCancelled = "Order Cancelled";
    public const string OrderRefunded = "Order Refunded";
    public const string ProductAddedToWishlist = "Product Added to Wishlist";
    public const string ProductRemovedFromWishlist = "Product Removed from Wishlist";
    public const string ProductShared = "Product Shared";
    public const string CartShared = "Cart Shared";
    public const string ProductReviewed = "Product Reviewed";
    public const string CouponApplied = "Coupon Applied";
    public const string PromotionClicked = "Promotion Clicked";
    public const string PromotionViewed = "Promotion Viewed";
    public const string FeedbackSubmitted = "Feedback Submitted";
    public const string ReferralSent = "Referral Sent";
    public const string EmailOpened = "Email Opened";
    public const string EmailLinkClicked = "Email Link Clicked";
    public const string ContentViewed = "Content Viewed";
    public const string EbookDownloaded = "Ebook Downloaded";
    public const string Followed = "Followed";
    public const string SignedUp = "Signed Up";
    public const string NewsletterSignedUp = "Newsletter Signed Up";
    public const string AdClicked = "Ad Clicked";
    public const string ContestEntered = "Contest Entered";
    public const string ReferralCodeUsed = "Referral Code Used";
    public const string UserContentPosted = "User Content Posted";
    public const string Identified = "Identified";
    public const string Aliased = "Aliased";
    public const string Grouped = "Grouped";

    /// <summary>The name a message is counted under: the track event name, or one per other type.</summary>
    public static string CounterName(JourneyEvent e) => e.Type switch
    {
        MessageType.Track => string.IsNullOrWhiteSpace(e.Event) ? "(unnamed)" : e.Event!,
        MessageType.Page => PageViewed,
        MessageType.Screen => ScreenViewed,
        MessageType.Identify => Identified,
        MessageType.Alias => Aliased,
        MessageType.Group => Grouped,
        _ => e.Type.ToString(),
    };
}
