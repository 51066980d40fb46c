using System.Globalization;
using System.Text.Json;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Stages;

namespace Journey.Domain.Processing;

/// <summary>Reduces an enriched event to the compact entry the journey fold needs.</summary>
public static class TimelineEntries
{
    public const string PolicyPage = "policy";

    public static TimelineEntry From(JourneyEvent e, JourneyRulesOptions options)
    {
        var name = EventNames.CounterName(e);
        var props = e.Properties is { ValueKind: JsonValueKind.Object } p ? p : default;
        decimal? value = null;
        long? quantity = null;
        string? orderId = null;
        string? category = null;
        string? pageKind = null;
        string? productId = null;
        string? productName = null;

        switch (name)
        {
            case EventNames.OrderCompleted:
            case EventNames.OrderCancelled:
            case EventNames.OrderRefunded:
            case EventNames.OrderUpdated:
                value = Money(props, "revenue") ?? Money(props, "total") ?? Money(props, "value") ?? ProductsTotal(props);
                orderId = Text(props, "order_id") ?? Text(props, "orderId") ?? Text(props, "checkout_id");
                category = Text(props, "category") ?? FirstProductCategory(props);
                break;
            case EventNames.ProductAdded:
            case EventNames.ProductRemoved:
                quantity = (long?)Money(props, "quantity") ?? 1;
                value = (Money(props, "price") ?? Money(props, "value") ?? 0m) * quantity.Value;
                category = Text(props, "category");
                productId = Text(props, "product_id") ?? Text(props, "productId") ?? Text(props, "sku") ?? Text(props, "id");
                productName = Text(props, "name");
                break;
            case EventNames.ProductReviewed:
            case EventNames.FeedbackSubmitted:
                value = Money(props, "rating") ?? Money(props, "score") ?? Money(props, "csat");
                break;
            case EventNames.ProductViewed:
                category = Text(props, "category");
                break;
        }

        if (e.Type is MessageType.Page or MessageType.Screen)
        {
            var path = e.Page?.Path ?? PathOf(e.Page?.Url) ?? e.Name;
            if (path is not null && options.ConsiderationPages.Exists(fragment => path.Contains(fragment, StringComparison.OrdinalIgnoreCase)))
                pageKind = PolicyPage;
        }

        return new TimelineEntry
        {
            Id = e.MessageId,
            T = e.Timestamp.ToUniversalTime(),
            N = name,
            Ch = e.Channel,
            Dev = e.Device == DeviceClass.Unknown ? null : e.Device.ToString().ToLowerInvariant(),
            Pk = pageKind,
            V = value,
            Q = quantity,
            O = orderId,
            Cat = category,
            P = productId,
            Pn = productName,
        };
    }

    private static string? PathOf(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : null;

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

    /// <summary>A numeric property, written as a number or as a numeric string; null when absent or not a number.</summary>
    internal static decimal? Money(JsonElement props, string name)
    {
        if (props.ValueKind != JsonValueKind.Object || !props.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d)) return d;
        if (v.ValueKind == JsonValueKind.String && decimal.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s)) return s;
        return null;
    }

    private static decimal? ProductsTotal(JsonElement props)
    {
        if (props.ValueKind != JsonValueKind.Object || !props.TryGetProperty("products", out var products) || products.ValueKind != JsonValueKind.Array)
            return null;
        decimal total = 0;
        var any = false;
        foreach (var product in products.EnumerateArray())
        {
            var price = Money(product, "price");
            if (price is null) continue;
            total += price.Value * (Money(product, "quantity") ?? 1m);
            any = true;
        }
        return any ? total : null;
    }

    private static string? FirstProductCategory(JsonElement props)
    {
        if (props.ValueKind != JsonValueKind.Object || !props.TryGetProperty("products", out var products) || products.ValueKind != JsonValueKind.Array)
            return null;
        foreach (var product in products.EnumerateArray())
        {
            var category = Text(product, "category");
            if (category is not null) return category;
        }
        return null;
    }

    /// <summary>The UTC day of an instant as yyyy-MM-dd.</summary>
    public static string Day(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
