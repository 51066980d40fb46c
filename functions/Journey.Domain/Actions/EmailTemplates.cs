using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Journey.Domain.Actions;

/// <summary>An email ready to send: subject, HTML body and plain-text body.</summary>
public sealed record RenderedEmail(string Subject, string HtmlBody, string TextBody);

/// <summary>One email template: subject and body with <c>{{placeholders}}</c>; the body is written once as paragraphs and rendered to HTML and text.</summary>
public sealed record EmailTemplate(string Subject, IReadOnlyList<string> Paragraphs);

/// <summary>
/// The email of every action type a shop mails about (all of <see cref="ActionTypes.All"/> but
/// <see cref="ActionTypes.StageChanged"/>, which is for webhooks and event hubs). Placeholders:
/// <c>{{firstName}}</c> (else "there"), <c>{{items}}</c> (the cart's or order's items: a list in HTML, lines in
/// text), <c>{{orderId}}</c>, <c>{{reason}}</c>, <c>{{unsubscribeUrl}}</c> and <c>{{shopName}}</c>. A paragraph that
/// is exactly <c>{{items}}</c> becomes the list. Every value put into the HTML body is HTML-encoded.
/// </summary>
public static partial class EmailTemplates
{
    /// <summary>The placeholders a template may use.</summary>
    public static IReadOnlyList<string> Placeholders { get; } = ["{{firstName}}", "{{items}}", "{{orderId}}", "{{reason}}", "{{unsubscribeUrl}}", "{{shopName}}"];

    private const string Items = "{{items}}";

    private static readonly Dictionary<string, EmailTemplate> Templates = new(StringComparer.Ordinal)
    {
        [ActionTypes.CartAbandoned] = new(
            "You left something in your cart at {{shopName}}",
            ["Hi {{firstName}},", "You left these in your cart:", Items, "They are still there for you whenever you are ready to finish your order."]),
        [ActionTypes.OrderCancelled] = new(
            "Could you tell us why you cancelled order {{orderId}}?",
            ["Hi {{firstName}},", "We are sorry order {{orderId}} did not work out:", Items, "The reason we have is: {{reason}}.", "Would you reply and tell us a little more? Every answer is read and helps us do better."]),
        [ActionTypes.OrderRefunded] = new(
            "Your refund for order {{orderId}}",
            ["Hi {{firstName}},", "Your return of order {{orderId}} is refunded:", Items, "The reason we have is: {{reason}}.", "If something was wrong with the product, just reply: we would like to fix it."]),
        [ActionTypes.FirstOrder] = new(
            "Welcome to {{shopName}}, {{firstName}}!",
            ["Hi {{firstName}},", "Thank you for your first order ({{orderId}}) with {{shopName}}:", Items, "We hope you enjoy it. If you need anything, just reply to this email."]),
        [ActionTypes.ReviewRequest] = new(
            "How do you like your order from {{shopName}}?",
            ["Hi {{firstName}},", "You have had order {{orderId}} for a few days now:", Items, "Would you leave a short review? It helps other shoppers and helps us."]),
        [ActionTypes.AtRisk] = new(
            "We miss you at {{shopName}}",
            ["Hi {{firstName}},", "It has been a while since your last visit to {{shopName}}.", "Come and see what is new; we would be glad to see you again."]),
        [ActionTypes.WinBack] = new(
            "It has been a while, {{firstName}}",
            ["Hi {{firstName}},", "We have not seen you at {{shopName}} for some time, and a lot has changed.", "If there was something we could have done better, reply and tell us."]),
        [ActionTypes.AdvocacyCandidate] = new(
            "Thank you for being a great {{shopName}} customer",
            ["Hi {{firstName}},", "Thank you for your kind review and for shopping with {{shopName}}.", "If you know someone who would like us too, we would be grateful if you passed our name on."]),
    };

    /// <summary>The action types that have an email template.</summary>
    public static IReadOnlyCollection<string> Types => Templates.Keys;

    /// <summary>Whether <paramref name="actionType"/> has a template.</summary>
    public static bool Has(string actionType) => Templates.ContainsKey(actionType);

    /// <summary>The template of <paramref name="actionType"/>.</summary>
    /// <exception cref="ArgumentException">The type has no template (see <see cref="Has"/>).</exception>
    public static EmailTemplate For(string actionType) =>
        Templates.TryGetValue(actionType, out var template) ? template : throw new ArgumentException($"There is no email template for action type '{actionType}'.", nameof(actionType));

    /// <summary>Renders the email of <paramref name="action"/> with the shop's name and the customer's unsubscribe link.</summary>
    public static RenderedEmail Render(ActionDocument action, string shopName, string unsubscribeUrl)
    {
        ArgumentNullException.ThrowIfNull(action);
        var template = For(action.ActionType);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["{{firstName}}"] = string.IsNullOrWhiteSpace(action.Customer.FirstName) ? "there" : action.Customer.FirstName.Trim(),
            ["{{orderId}}"] = string.IsNullOrWhiteSpace(action.Trigger.OrderId) ? "(no order number)" : action.Trigger.OrderId.Trim(),
            ["{{reason}}"] = string.IsNullOrWhiteSpace(action.Trigger.Reason) ? "none given" : action.Trigger.Reason.Trim(),
            ["{{shopName}}"] = shopName,
            ["{{unsubscribeUrl}}"] = unsubscribeUrl,
        };
        var items = ItemLines(action.Trigger.Items);
        values[Items] = string.Join(", ", items);

        var subject = OneLine(Fill(template.Subject, values, html: false));
        var text = new StringBuilder();
        var html = new StringBuilder("<!DOCTYPE html>\n<html><body style=\"font-family:sans-serif;line-height:1.5\">\n");
        foreach (var paragraph in template.Paragraphs)
        {
            if (paragraph == Items)
            {
                foreach (var line in items) text.Append("- ").Append(line).Append('\n');
                text.Append('\n');
                html.Append("<ul>\n");
                foreach (var line in items) html.Append("<li>").Append(WebUtility.HtmlEncode(line)).Append("</li>\n");
                html.Append("</ul>\n");
                continue;
            }
            text.Append(Fill(paragraph, values, html: false)).Append("\n\n");
            html.Append("<p>").Append(Fill(paragraph, values, html: true)).Append("</p>\n");
        }
        text.Append("-- \n").Append(shopName).Append('\n')
            .Append("You get this email because you shop with ").Append(shopName).Append(". Unsubscribe: ").Append(unsubscribeUrl).Append('\n');
        html.Append("<hr>\n<p style=\"font-size:small;color:#666\">").Append(WebUtility.HtmlEncode(shopName))
            .Append(" &middot; You get this email because you shop with ").Append(WebUtility.HtmlEncode(shopName))
            .Append(". <a href=\"").Append(WebUtility.HtmlEncode(unsubscribeUrl)).Append("\">Unsubscribe</a></p>\n</body></html>\n");
        return new RenderedEmail(subject, html.ToString(), text.ToString());
    }

    /// <summary>One line per item: name (else product id), quantity when more than one, price.</summary>
    private static List<string> ItemLines(IReadOnlyList<ActionItem>? items)
    {
        var lines = new List<string>();
        foreach (var item in items ?? [])
        {
            var line = new StringBuilder(FirstNonBlank(item.Name, item.ProductId) ?? "an item");
            if (item.Quantity is > 1) line.Append(CultureInfo.InvariantCulture, $" x {item.Quantity}");
            if (item.Price is { } price) line.Append(CultureInfo.InvariantCulture, $" ({price:0.00})");
            lines.Add(OneLine(line.ToString()));
        }
        if (lines.Count == 0) lines.Add("your items");
        return lines;
    }

    private static string? FirstNonBlank(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    /// <summary>Replaces the placeholders in one pass (a value that itself looks like a placeholder stays as it is).</summary>
    private static string Fill(string template, Dictionary<string, string> values, bool html) =>
        PlaceholderPattern().Replace(template, m => values.TryGetValue(m.Value, out var value) ? (html ? WebUtility.HtmlEncode(value) : value) : m.Value);

    [GeneratedRegex(@"\{\{[A-Za-z]+\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    /// <summary>Line breaks become spaces (a subject or list line is one line; a header cannot be split by a value).</summary>
    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
