using System.Text.Json;

namespace Journey.Domain.Actions;

/// <summary>
/// Whether a customer's traits (<c>CustomerDocument.Traits</c>, the latest identify call's) say "no email": the
/// unsubscribe link sets <c>email_opt_out</c> and <c>unsubscribed</c>; a shop's own opt-out trait <c>emailOptOut</c>
/// counts too. A trait counts when it is <c>true</c> or the string "true" (any case). The source of
/// <see cref="ActionCustomer.EmailOptOut"/>.
/// </summary>
public static class EmailOptOut
{
    /// <summary>The traits that opt a customer out of email.</summary>
    public static IReadOnlyList<string> Traits { get; } = ["email_opt_out", "emailOptOut", "unsubscribed"];

    public static bool IsSet(JsonElement? traits)
    {
        if (traits is not { ValueKind: JsonValueKind.Object } t) return false;
        foreach (var name in Traits)
        {
            if (!t.TryGetProperty(name, out var value)) continue;
            if (value.ValueKind == JsonValueKind.True) return true;
            if (value.ValueKind == JsonValueKind.String && string.Equals(value.GetString(), "true", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
