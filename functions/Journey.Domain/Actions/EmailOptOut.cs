using System.Text.Json;
using System.Text.Json.Nodes;

namespace Journey.Domain.Actions;

/// <summary>
/// Whether a customer's traits (<c>CustomerDocument.Traits</c>) say "no email": the unsubscribe link sets
/// <c>email_opt_out</c> and <c>unsubscribed</c>; a shop's own opt-out trait <c>emailOptOut</c> counts too. A trait
/// counts when it is <c>true</c> or the string "true" (any case). The source of <see cref="ActionCustomer.EmailOptOut"/>.
/// </summary>
/// <remarks>
/// An opt-out is sticky (<see cref="KeepOptOut"/>): the customer document keeps the latest identify call's traits, but an
/// opt-out trait that is set stays set when a later identify does not mention it (a shop's identify that sends only
/// the email and name, or other traits, re-subscribes no one). Only an identify that names the trait lifts it, with
/// any other value (<c>false</c>, say): re-subscribing someone who used the unsubscribe link takes
/// <c>"email_opt_out": false</c> and <c>"unsubscribed": false</c>, each opt-out trait that is set being lifted on its own.
/// </remarks>
public static class EmailOptOut
{
    /// <summary>The traits that opt a customer out of email.</summary>
    public static IReadOnlyList<string> Traits { get; } = ["email_opt_out", "emailOptOut", "unsubscribed"];

    public static bool IsSet(JsonElement? traits)
    {
        if (traits is not { ValueKind: JsonValueKind.Object } t) return false;
        foreach (var name in Traits)
        {
            if (t.TryGetProperty(name, out var value) && IsTrue(value)) return true;
        }
        return false;
    }

    /// <summary>
    /// The traits to keep when <paramref name="newer"/> (a later identify's) supersedes <paramref name="older"/>:
    /// <paramref name="newer"/>, plus each opt-out trait that is set in <paramref name="older"/> and that
    /// <paramref name="newer"/> does not name. <paramref name="newer"/> itself (the same element) when there is nothing to
    /// keep, or when it is not an object.
    /// </summary>
    public static JsonElement? KeepOptOut(JsonElement? older, JsonElement? newer)
    {
        if (older is not { ValueKind: JsonValueKind.Object } o || newer is not { ValueKind: JsonValueKind.Object } n) return newer;
        JsonObject? merged = null;
        foreach (var name in Traits)
        {
            if (!o.TryGetProperty(name, out var value) || !IsTrue(value) || n.TryGetProperty(name, out _)) continue;
            merged ??= JsonNode.Parse(n.GetRawText())!.AsObject();
            merged[name] = JsonNode.Parse(value.GetRawText());
        }
        return merged is null ? newer : JsonSerializer.SerializeToElement(merged);
    }

    private static bool IsTrue(JsonElement value) =>
        value.ValueKind == JsonValueKind.True
        || (value.ValueKind == JsonValueKind.String && string.Equals(value.GetString(), "true", StringComparison.OrdinalIgnoreCase));
}
