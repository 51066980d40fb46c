using Journey.Domain.Actions;

namespace Journey.Domain.Tests.Actions;

public sealed class EmailTemplatesTests
{
    private const string Unsubscribe = "https://shop.example/unsubscribe?t=abc.def";
    private static readonly DateTimeOffset At = new(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> MailedTypes() => [.. ActionTypes.All.Where(t => t != ActionTypes.StageChanged)];

    private static ActionDocument Action(string type, string? firstName = "Ada", string? reason = "Too slow", IReadOnlyList<ActionItem>? items = null) => new()
    {
        Id = ActionDocument.IdFor(type, "user-1", "o-17"),
        ActionType = type,
        CustomerId = "user-1",
        Trigger = new ActionTrigger
        {
            Key = "o-17",
            At = At,
            OrderId = "o-17",
            Reason = reason,
            Items = items ?? [new ActionItem("p1", "Blue mug", 12.5m, 2), new ActionItem("p2", null, null, 1)],
        },
        Customer = new ActionCustomer { Id = "user-1", Email = "ada@example.com", FirstName = firstName },
        CreatedAt = At,
        DueAt = At,
    };

    [Fact]
    public void EveryTypeButStageChanged_HasATemplate()
    {
        Assert.Equal(ActionTypes.All.Where(t => t != ActionTypes.StageChanged).Order(), EmailTemplates.Types.Order());
        Assert.False(EmailTemplates.Has(ActionTypes.StageChanged));
        Assert.Throws<ArgumentException>(() => EmailTemplates.Render(Action(ActionTypes.StageChanged), "Shop", Unsubscribe));
    }

    [Theory]
    [MemberData(nameof(MailedTypes))]
    public void Render_FillsEveryPlaceholder_AndCarriesTheUnsubscribeLink(string type)
    {
        var email = EmailTemplates.Render(Action(type), "Mugs & Co", Unsubscribe);

        foreach (var part in new[] { email.Subject, email.HtmlBody, email.TextBody })
        {
            Assert.DoesNotContain("{{", part, StringComparison.Ordinal);
            Assert.DoesNotContain("}}", part, StringComparison.Ordinal);
        }
        Assert.Contains("Hi Ada,", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("Hi Ada,", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(Unsubscribe, email.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{Unsubscribe}\"", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Mugs &amp; Co", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Mugs & Co", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Mugs & Co", email.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', email.Subject);
        var template = EmailTemplates.For(type);
        if (template.Paragraphs.Contains("{{items}}"))
        {
            Assert.Contains("<li>Blue mug x 2 (12.50)</li>", email.HtmlBody, StringComparison.Ordinal);
            Assert.Contains("<li>p2</li>", email.HtmlBody, StringComparison.Ordinal);
            Assert.Contains("- Blue mug x 2 (12.50)\n- p2\n", email.TextBody, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Render_CartAbandoned_RemindsOfTheItems()
    {
        var email = EmailTemplates.Render(Action(ActionTypes.CartAbandoned), "Mugs", Unsubscribe);

        Assert.Equal("You left something in your cart at Mugs", email.Subject);
        Assert.Contains("<ul>\n<li>Blue mug x 2 (12.50)</li>\n<li>p2</li>\n</ul>", email.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ActionTypes.OrderCancelled, "Could you tell us why you cancelled order o-17?", "We are sorry order o-17 did not work out:")]
    [InlineData(ActionTypes.OrderRefunded, "Your refund for order o-17", "Your return of order o-17 is refunded:")]
    public void Render_OrderCancelledOrRefunded_CarriesTheOrderItsItemsAndTheReason(string type, string subject, string intro)
    {
        var email = EmailTemplates.Render(Action(type), "Mugs", Unsubscribe);

        Assert.Equal(subject, email.Subject);
        Assert.Contains($"{intro}\n\n- Blue mug x 2 (12.50)\n- p2\n\nThe reason we have is: Too slow.", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("<ul>\n<li>Blue mug x 2 (12.50)</li>\n<li>p2</li>\n</ul>", email.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithoutNameReasonOrItems_UsesTheFallbacks()
    {
        var email = EmailTemplates.Render(Action(ActionTypes.OrderCancelled, firstName: " ", reason: null), "Mugs", Unsubscribe);
        var cart = EmailTemplates.Render(Action(ActionTypes.CartAbandoned, firstName: null, items: []), "Mugs", Unsubscribe);

        Assert.Contains("Hi there,", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("The reason we have is: none given.", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("<li>your items</li>", cart.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HtmlEncodesEveryValue_AndNeverFillsAPlaceholderFromAValue()
    {
        var items = new[] { new ActionItem("p1", "<img src=x onerror=alert(1)>", 1m, 1) };
        var email = EmailTemplates.Render(Action(ActionTypes.FirstOrder, firstName: "<b>Eve</b> {{orderId}}", reason: null, items: items), "Shop", Unsubscribe + "&x=\"");

        Assert.DoesNotContain("<b>", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;Eve&lt;/b&gt; {{orderId}}", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&amp;x=&quot;", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Hi <b>Eve</b> {{orderId}},", email.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ALineBreakInAValue_CannotSplitTheSubject()
    {
        var email = EmailTemplates.Render(Action(ActionTypes.FirstOrder, firstName: "Ada\r\nBcc: x@evil.example"), "Shop", Unsubscribe);

        Assert.Equal("Welcome to Shop, Ada Bcc: x@evil.example!", email.Subject);
    }
}
