using Journey.Domain.Events;

namespace Journey.Domain.Stages;

/// <summary>
/// The configurable parts of the journey rules (configuration section <c>Journey</c>).
/// Defaults are PRODUCT.md's table.
/// </summary>
public sealed class JourneyRulesOptions
{
    public const string SectionName = "Journey";

    /// <summary>A session ends after this much inactivity.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A cart with items and no order within this window counts as abandoned.</summary>
    public TimeSpan CartAbandonmentWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>An order within this long after an email click counts as a purchase after email.</summary>
    public TimeSpan EmailAttributionWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>When true, post-purchase engagement (feedback, review, a new session, an email click) also moves a converted customer to Retention.</summary>
    public bool RetentionOnPostPurchaseEngagement { get; set; }

    /// <summary>Page path fragments of the about / returns / size-guide pages that signal Consideration.</summary>
    public List<string> ConsiderationPages { get; set; } = ["/about", "/returns", "/size-guide", "/sizeguide", "/size-chart", "/shipping", "/delivery"];

    /// <summary>Product views needed for Consideration.</summary>
    public int ProductViewsForConsideration { get; set; } = 2;

    /// <summary>Timeline length at which the oldest events are compacted into the baseline.</summary>
    public int CompactAbove { get; set; } = 2000;

    /// <summary>Timeline length kept after a compaction (the lateness horizon).</summary>
    public int CompactKeep { get; set; } = 1000;

    /// <summary>Micro-conversions by the stage they count toward.</summary>
    public Dictionary<string, List<string>> MicroConversions { get; set; } = new(StringComparer.Ordinal)
    {
        ["Awareness"] = [EventNames.ContentViewed, EventNames.EbookDownloaded, EventNames.Followed, EventNames.SignedUp, EventNames.NewsletterSignedUp, EventNames.AdClicked, EventNames.EmailOpened],
        ["Consideration"] = [EventNames.ProductViewed, EventNames.ProductListViewed, EventNames.ProductsSearched, EventNames.ProductAddedToWishlist, EventNames.CartViewed, "Policy Page Viewed"],
        ["Conversion"] = [EventNames.ProductAdded, EventNames.CheckoutStarted, EventNames.OrderCompleted],
        ["Retention"] = [EventNames.FeedbackSubmitted, EventNames.EmailLinkClicked, "Repeat Visit", EventNames.ContestEntered],
        ["Advocacy"] = [EventNames.ReferralCodeUsed, EventNames.ReferralSent, EventNames.ProductShared, "Positive Review", EventNames.UserContentPosted],
    };

    /// <summary>Checks the options; returns the problems found, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (SessionTimeout <= TimeSpan.Zero) problems.Add($"{SectionName}:SessionTimeout must be positive (was {SessionTimeout}).");
        if (CartAbandonmentWindow <= TimeSpan.Zero) problems.Add($"{SectionName}:CartAbandonmentWindow must be positive (was {CartAbandonmentWindow}).");
        if (EmailAttributionWindow < TimeSpan.Zero) problems.Add($"{SectionName}:EmailAttributionWindow must not be negative.");
        if (ProductViewsForConsideration < 1) problems.Add($"{SectionName}:ProductViewsForConsideration must be at least 1.");
        if (CompactKeep < 10 || CompactAbove <= CompactKeep) problems.Add($"{SectionName}:CompactAbove ({CompactAbove}) must exceed CompactKeep ({CompactKeep}), which must be at least 10.");
        foreach (var stage in MicroConversions.Keys)
        {
            if (!Enum.TryParse<Customers.Stage>(stage, out var s) || s == Customers.Stage.None)
                problems.Add($"{SectionName}:MicroConversions has an unknown stage '{stage}'.");
        }
        return problems;
    }
}
