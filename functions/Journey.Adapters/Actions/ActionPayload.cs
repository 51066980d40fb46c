using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Journey.Domain.Actions;
using Journey.Domain.Serialization;

namespace Journey.Adapters.Actions;

/// <summary>
/// The one JSON form of an action that leaves the app, the same for every destination that carries a body (the
/// webhook's request body, the Event Hub event's body): <c>{"type", "id", "timestamp", "data": {"customer",
/// "trigger", "dueAt", "createdAt"}}</c>, camelCase, nulls left out. <c>timestamp</c> is the action's creation
/// time, so the body of an action is the same on every attempt.
/// </summary>
public static class ActionPayload
{
    private static readonly JsonTypeInfo<ActionCustomer> CustomerInfo = (JsonTypeInfo<ActionCustomer>)JourneyJson.Options.GetTypeInfo(typeof(ActionCustomer));
    private static readonly JsonTypeInfo<ActionTrigger> TriggerInfo = (JsonTypeInfo<ActionTrigger>)JourneyJson.Options.GetTypeInfo(typeof(ActionTrigger));

    /// <summary>The UTF-8 JSON of <paramref name="action"/>.</summary>
    public static byte[] ToUtf8(ActionDocument action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", action.ActionType);
            writer.WriteString("id", action.Id);
            writer.WriteString("timestamp", action.CreatedAt);
            writer.WriteStartObject("data");
            writer.WritePropertyName("customer");
            JsonSerializer.Serialize(writer, action.Customer, CustomerInfo);
            writer.WritePropertyName("trigger");
            JsonSerializer.Serialize(writer, action.Trigger, TriggerInfo);
            writer.WriteString("dueAt", action.DueAt);
            writer.WriteString("createdAt", action.CreatedAt);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
