using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Journey.Adapters.Actions.Email;
using Journey.Application.Collection;
using Journey.Application.Processing;
using Journey.Domain.Actions;
using Journey.Domain.Events;
using Journey.Domain.Ports;

namespace Journey.Functions.Collector;

/// <summary>
/// The link at the foot of every email: <c>GET /unsubscribe?t=…</c> shows a page with one button (a GET changes
/// nothing, so a mail scanner that follows links unsubscribes no one); <c>POST /unsubscribe?t=…</c> (the button, or the
/// RFC 8058 one-click POST with the body <c>List-Unsubscribe=One-Click</c>) records the opt-out: an <c>identify</c> event
/// for the customer, with the customer's current traits plus <c>unsubscribed: true</c> and <c>email_opt_out: true</c>,
/// appended to the event stream like any collected event. The processor then keeps those traits on the customer
/// document (<c>traits.email_opt_out</c>). A missing, altered or foreign token is answered 400 naming <c>t</c>.
/// </summary>
public static class UnsubscribeEndpoints
{
    /// <summary>The trait set by an unsubscribe; <see cref="EmailOptOut.IsSet"/> reads it back.</summary>
    public const string OptOutTrait = "email_opt_out";

    /// <summary>Set with <see cref="OptOutTrait"/>, for tools that look for the generic name.</summary>
    public const string UnsubscribedTrait = "unsubscribed";

    public static void MapUnsubscribe(this IEndpointRouteBuilder app)
    {
        app.MapGet("/unsubscribe", Show);
        app.MapPost("/unsubscribe", UnsubscribeAsync);
    }

    private static IResult Show(string? t, EmailOptions options, ILogger<EmailOptions> logger)
    {
        if (Check(t, options, logger) is { } refused) return refused;
        var action = "/unsubscribe?t=" + Uri.EscapeDataString(t!);
        return Page(options.ShopName, "Unsubscribe",
            $"""
            <p>Do you want to stop getting emails from {Encode(options.ShopName)}?</p>
            <form method="post" action="{Encode(action)}"><button type="submit">Unsubscribe</button></form>
            """);
    }

    private static async Task<IResult> UnsubscribeAsync(
        HttpContext http, string? t, EmailOptions options, CustomerLookup customers, IEventStream stream, TimeProvider clock, ILogger<EmailOptions> logger, CancellationToken ct)
    {
        if (Check(t, options, logger) is { } refused) return refused;
        var check = Tokens(options).Verify(t);
        var oneClick = http.Request.HasFormContentType && (await http.Request.ReadFormAsync(ct))["List-Unsubscribe"] == "One-Click";

        var stored = await customers.FindAsync(check.CustomerId!, ct);
        var traits = stored?.Document.Traits is { ValueKind: JsonValueKind.Object } current ? JsonNode.Parse(current.GetRawText())!.AsObject() : [];
        traits[UnsubscribedTrait] = true;
        traits[OptOutTrait] = true;
        var now = clock.GetUtcNow();
        var document = stored?.Document;
        var identify = new JourneyEvent
        {
            MessageId = "unsubscribe-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{check.CustomerId}|{now.UtcTicks}")).AsSpan(0, 16)),
            Type = MessageType.Identify,
            UserId = document is null ? check.CustomerId : document.UserId,
            AnonymousId = document is { UserId: null } ? document.Id : null,
            Timestamp = now,
            ReceivedAt = now,
            Traits = JsonSerializer.SerializeToElement(traits),
            Source = "unsubscribe",
        };
        try
        {
            await new EventCollector(stream, PrivacyAction.Ignore).AcceptAsync([identify], PrivacyAction.Ignore, ct);
        }
        catch (StreamUnavailableException ex)
        {
            return ErrorResponses.Unavailable(http, $"The opt-out could not be recorded now ({ex.Message}); please try again in a moment.", ex.RetryAfter);
        }
        logger.Unsubscribed(oneClick);
        return Page(options.ShopName, "Unsubscribed", $"<p>You are unsubscribed: {Encode(options.ShopName)} will not email you again.</p>");
    }

    /// <summary>Null when the token is valid, else the 400 (or 404 when no secret is configured) to answer.</summary>
    private static IResult? Check(string? t, EmailOptions options, ILogger logger)
    {
        if (!options.HasUnsubscribeSecret)
            return Results.Json(new ErrorBody($"Unsubscribe links are not set up here ({EmailOptions.UnsubscribeSecretSetting} is not set).", "t"), statusCode: StatusCodes.Status404NotFound);
        var check = Tokens(options).Verify(t);
        if (check.IsValid) return null;
        logger.Refused(check.Error);
        return ErrorResponses.BadRequest($"The unsubscribe link is not valid: {check.Error}", "t");
    }

    private static UnsubscribeToken Tokens(EmailOptions options) => UnsubscribeToken.FromBase64Secret(options.UnsubscribeSecret!);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static IResult Page(string shopName, string title, string body) => Results.Content(
        $"""
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{Encode(title)} · {Encode(shopName)}</title></head>
        <body style="font-family:sans-serif;max-width:32rem;margin:3rem auto;line-height:1.5">
        <h1>{Encode(title)}</h1>
        {body}
        </body></html>
        """, "text/html; charset=utf-8");
}
