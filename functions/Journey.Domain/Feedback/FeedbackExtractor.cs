using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Journey.Domain.Customers;
using Journey.Domain.Events;

namespace Journey.Domain.Feedback;

/// <summary>
/// The feedback items of a customer's events: a pure function of the events and the customer
/// document they were applied to (after its refold, so that its stages include them).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>Product Reviewed</c> (kind <c>review</c>): the text from <c>review_body</c> (the Segment
/// Ecommerce spec's name), else <c>reviewBody</c>, <c>text</c>, <c>body</c>, <c>review</c>, <c>comment</c>,
/// <c>content</c>; the title from <c>title</c>, <c>review_title</c>, <c>reviewTitle</c>; <c>rating</c>
/// (or <c>stars</c>); <c>product_id</c> and <c>category</c>.</item>
/// <item><c>Feedback Submitted</c> (<c>feedback</c>) and <c>Survey Answered</c> (<c>survey</c>): the text from
/// <c>text</c>, <c>comment</c>, <c>feedback</c>, <c>message</c>, <c>answer</c>, <c>body</c>, <c>response</c>; the score
/// from <c>score</c>, <c>rating</c>, <c>csat</c>, <c>nps</c>; the scale from <c>scale</c>, <c>max_score</c>, <c>maxScore</c>.</item>
/// <item><c>Order Cancelled</c> (<c>cancel</c>), <c>Order Refunded</c> (<c>refund</c>) and <c>Product Returned</c>
/// (<c>return</c>): the reason from <c>reason</c> or <c>cancel_reason</c>/<c>refund_reason</c>/<c>return_reason</c>
/// (and their camelCase forms); the product from the event, else the first of <c>products</c>.</item>
/// <item>The properties named in <see cref="FeedbackOptions.TextProperties"/>, on any event (kind <c>text</c>).</item>
/// </list>
/// The text and the title are redacted (<see cref="PiiRedactor"/>, with the customer's name and email from
/// the traits as personal terms) before anything else is done with them, then cut to the configured length
/// at a word boundary; a text that is empty after trimming makes no item. Ids are
/// <see cref="FeedbackItem.IdFor"/> of the message id and the field the text came from, so the same events
/// give the same items.
/// </remarks>
public sealed class FeedbackExtractor(FeedbackOptions options)
{
    /// <summary>A return of some of an order's products (not in the Segment spec; a common custom event).</summary>
    public const string ProductReturned = "Product Returned";

    /// <summary>An answer to a survey question (Segment's Survey spec names it so).</summary>
    public const string SurveyAnswered = "Survey Answered";

    private static readonly string[] ReviewText = ["review_body", "reviewBody", "text", "body", "review", "comment", "content"];
    private static readonly string[] ReviewTitle = ["title", "review_title", "reviewTitle"];
    private static readonly string[] ReviewRating = ["rating", "stars"];
    private static readonly string[] FeedbackText = ["text", "comment", "feedback", "message", "answer", "body", "response"];
    private static readonly string[] FeedbackScore = ["score", "rating", "csat", "nps"];
    private static readonly string[] ScoreScale = ["scale", "max_score", "maxScore"];
    private static readonly string[] CancelReason = ["reason", "cancel_reason", "cancelReason", "cancellation_reason"];
    private static readonly string[] RefundReason = ["reason", "refund_reason", "refundReason"];
    private static readonly string[] ReturnReason = ["reason", "return_reason", "returnReason"];
    private static readonly string[] ProductId = ["product_id", "productId", "sku"];
    private static readonly string[] PersonalTraits = ["name", "first_name", "firstName", "last_name", "lastName", "email", "username"];

    private static readonly System.Buffers.SearchValues<char> WordBreaks = System.Buffers.SearchValues.Create(" \t\r\n\u00A0\u3000");

    private readonly IReadOnlyList<string> _textProperties = options.TextPropertyNames;

    /// <summary>True when <paramref name="e"/> may carry feedback (a cheap test before <see cref="Extract(CustomerDocument, JourneyEvent)"/>).</summary>
    public bool MayCarryFeedback(JourneyEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Properties is not { ValueKind: JsonValueKind.Object }) return false;
        return KindOf(e) is not null || _textProperties.Count > 0;
    }

    /// <summary>The items of the events, in order, one per id.</summary>
    public IReadOnlyList<FeedbackItem> Extract(CustomerDocument customer, IEnumerable<JourneyEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var items = new List<FeedbackItem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            foreach (var item in Extract(customer, e))
            {
                if (ids.Add(item.Id)) items.Add(item);
            }
        }
        return items;
    }

    /// <summary>The items of one event: none, one for its kind's text, and one per configured text property.</summary>
    public IReadOnlyList<FeedbackItem> Extract(CustomerDocument customer, JourneyEvent e)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(e);
        if (!MayCarryFeedback(e)) return [];
        var props = e.Properties!.Value;
        var items = new List<FeedbackItem>(1);
        var fields = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyCollection<string>? terms = null;
        var kind = KindOf(e);
        if (kind is not null)
        {
            var (textNames, titleNames) = kind switch
            {
                FeedbackKinds.Review => (ReviewText, ReviewTitle),
                FeedbackKinds.Feedback or FeedbackKinds.Survey => (FeedbackText, (string[]?)null),
                FeedbackKinds.Cancel => (CancelReason, null),
                FeedbackKinds.Refund => (RefundReason, null),
                _ => (ReturnReason, null),
            };
            var (field, text) = FirstText(props, textNames);
            if (field is not null)
            {
                terms ??= PersonalTerms(customer, e);
                var item = Item(customer, e, kind, field, text!, titleNames is null ? null : FirstText(props, titleNames).Text, terms);
                if (item is not null)
                {
                    items.Add(item);
                    fields.Add(field);
                }
            }
        }
        foreach (var name in _textProperties)
        {
            if (fields.Contains(name)) continue;
            var text = Text(props, name);
            if (text is null) continue;
            terms ??= PersonalTerms(customer, e);
            var item = Item(customer, e, FeedbackKinds.Text, name, text, rawTitle: null, terms);
            if (item is not null)
            {
                items.Add(item);
                fields.Add(name);
            }
        }
        return items;
    }

    /// <summary>The kind of item a track event's own text makes, or null.</summary>
    public static string? KindOf(JourneyEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Type != MessageType.Track) return null;
        return e.Event switch
        {
            EventNames.ProductReviewed => FeedbackKinds.Review,
            EventNames.FeedbackSubmitted => FeedbackKinds.Feedback,
            SurveyAnswered => FeedbackKinds.Survey,
            EventNames.OrderCancelled => FeedbackKinds.Cancel,
            EventNames.OrderRefunded => FeedbackKinds.Refund,
            ProductReturned => FeedbackKinds.Return,
            _ => null,
        };
    }

    /// <summary>The customer's stage at <paramref name="time"/>: the furthest stage reached at or before it; null before any.</summary>
    public static string? StageAt(CustomerDocument customer, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var stage = Stage.None;
        foreach (var (s, at) in customer.StageReachedAt)
        {
            if (s > stage && at <= time) stage = s;
        }
        return stage == Stage.None ? null : stage.ToString();
    }

    /// <summary>The embedding cache's key: SHA-256 of the redacted title, a line feed and the redacted text, first 16 bytes as lowercase hex.</summary>
    public static string HashOf(string? title, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes((title ?? "") + "\n" + text);
        return Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16));
    }

    private FeedbackItem? Item(CustomerDocument customer, JourneyEvent e, string kind, string field, string raw, string? rawTitle, IReadOnlyCollection<string> terms)
    {
        var text = Clean(raw, options.MaxTextLength, terms);
        if (text is null) return null;
        var title = rawTitle is null ? null : Clean(rawTitle, options.MaxTitleLength, terms);
        var props = e.Properties!.Value;
        var (productId, category) = Product(props, kind is FeedbackKinds.Cancel or FeedbackKinds.Refund or FeedbackKinds.Return);
        double? rating = null, score = null, scale = null;
        if (kind == FeedbackKinds.Review)
        {
            rating = FirstNumber(props, ReviewRating);
        }
        else if (kind is FeedbackKinds.Feedback or FeedbackKinds.Survey)
        {
            score = FirstNumber(props, FeedbackScore);
            scale = FirstNumber(props, ScoreScale);
        }
        return new FeedbackItem
        {
            Id = FeedbackItem.IdFor(e.MessageId, field),
            Period = FeedbackItem.PeriodOf(e.Timestamp),
            Kind = kind,
            CustomerId = customer.Id,
            MessageId = e.MessageId,
            Field = field,
            Time = e.Timestamp.ToUniversalTime(),
            Stage = StageAt(customer, e.Timestamp),
            ProductId = productId,
            Category = category,
            Channel = customer.Acquisition?.Channel,
            Rating = rating,
            Score = score,
            ScoreScale = scale,
            Text = text,
            Title = title,
            TextHash = HashOf(title, text),
        };
    }

    /// <summary>
    /// The text redacted, trimmed and cut to <paramref name="max"/> characters; null when nothing is left. A
    /// very long text is first cut at a word boundary well above the limit (so redaction sees whole words
    /// and does not spend itself on megabytes), and cut again after redaction, so no raw fragment survives.
    /// </summary>
    private static string? Clean(string raw, int max, IReadOnlyCollection<string> terms)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var input = raw.Length > 4 * max ? CutAtWord(raw, 4 * max) : raw;
        var redacted = PiiRedactor.Redact(input, terms).Trim();
        if (redacted.Length > max) redacted = CutAtWord(redacted, max).TrimEnd();
        return redacted.Length == 0 ? null : redacted;
    }

    /// <summary>At most <paramref name="max"/> characters, ending before the last whitespace within them when there is one, never inside a surrogate pair.</summary>
    private static string CutAtWord(string text, int max)
    {
        var cut = max;
        var space = text.AsSpan(0, max + 1 > text.Length ? text.Length : max + 1).LastIndexOfAny(WordBreaks);
        if (space > max / 2) cut = space;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut];
    }

    private static (string? ProductId, string? Category) Product(JsonElement props, bool firstOfOrder)
    {
        var productId = FirstText(props, ProductId).Text;
        var category = Text(props, "category");
        if ((productId is null || category is null) && firstOfOrder
            && props.TryGetProperty("products", out var products) && products.ValueKind == JsonValueKind.Array)
        {
            foreach (var product in products.EnumerateArray())
            {
                if (product.ValueKind != JsonValueKind.Object) continue;
                productId ??= FirstText(product, ProductId).Text;
                category ??= Text(product, "category");
                break;
            }
        }
        return (Limit(productId), Limit(category));
    }

    /// <summary>Product ids and categories are ours to show, not free text: kept as sent, but not without bound.</summary>
    private static string? Limit(string? value) => value is { Length: > 200 } ? value[..200] : value;

    private static (string? Field, string? Text) FirstText(JsonElement props, string[] names)
    {
        foreach (var name in names)
        {
            if (Text(props, name) is { } text) return (name, text);
        }
        return (null, null);
    }

    private static string? Text(JsonElement props, string name)
    {
        if (props.ValueKind != JsonValueKind.Object || !props.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => string.IsNullOrWhiteSpace(v.GetString()) ? null : v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
    }

    private static double? FirstNumber(JsonElement props, string[] names)
    {
        foreach (var name in names)
        {
            if (!props.TryGetProperty(name, out var v)) continue;
            if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d)) return d;
            if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && double.IsFinite(s)) return s;
        }
        return null;
    }

    /// <summary>The customer's name, first and last name, user name and email, from the document's traits and the event's own.</summary>
    private static HashSet<string> PersonalTerms(CustomerDocument customer, JourneyEvent e)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        AddTerms(terms, customer.Traits);
        AddTerms(terms, e.Traits);
        return terms;
    }

    private static void AddTerms(HashSet<string> terms, JsonElement? traits)
    {
        if (traits is not { ValueKind: JsonValueKind.Object } t) return;
        foreach (var name in PersonalTraits)
        {
            if (t.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { } value && !string.IsNullOrWhiteSpace(value))
                terms.Add(value.Trim());
        }
    }
}
