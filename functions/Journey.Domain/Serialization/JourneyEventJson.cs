using System.Text.Json;
using Journey.Domain.Events;

namespace Journey.Domain.Serialization;

/// <summary>
/// Writes a <see cref="JourneyEvent"/> as the stream's record JSON, byte for byte what
/// <see cref="JourneyJson.Options"/> write (camelCase, enums as their names, nulls left out, the
/// declared property order), without the serializer's per-property metadata walk: the collector
/// writes every accepted event once, so this is on its hot path. A test compares the two on
/// generated events, so a property added to the event must be added here too.
/// </summary>
public static class JourneyEventJson
{
    private static readonly JsonEncodedText MessageId = JsonEncodedText.Encode("messageId");
    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText Event = JsonEncodedText.Encode("event");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText UserId = JsonEncodedText.Encode("userId");
    private static readonly JsonEncodedText AnonymousId = JsonEncodedText.Encode("anonymousId");
    private static readonly JsonEncodedText PreviousId = JsonEncodedText.Encode("previousId");
    private static readonly JsonEncodedText GroupId = JsonEncodedText.Encode("groupId");
    private static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText ReceivedAt = JsonEncodedText.Encode("receivedAt");
    private static readonly JsonEncodedText SentAt = JsonEncodedText.Encode("sentAt");
    private static readonly JsonEncodedText OriginalTimestamp = JsonEncodedText.Encode("originalTimestamp");
    private static readonly JsonEncodedText Properties = JsonEncodedText.Encode("properties");
    private static readonly JsonEncodedText Traits = JsonEncodedText.Encode("traits");
    private static readonly JsonEncodedText Page = JsonEncodedText.Encode("page");
    private static readonly JsonEncodedText Url = JsonEncodedText.Encode("url");
    private static readonly JsonEncodedText Path = JsonEncodedText.Encode("path");
    private static readonly JsonEncodedText Referrer = JsonEncodedText.Encode("referrer");
    private static readonly JsonEncodedText Title = JsonEncodedText.Encode("title");
    private static readonly JsonEncodedText Search = JsonEncodedText.Encode("search");
    private static readonly JsonEncodedText Campaign = JsonEncodedText.Encode("campaign");
    private static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText Medium = JsonEncodedText.Encode("medium");
    private static readonly JsonEncodedText Term = JsonEncodedText.Encode("term");
    private static readonly JsonEncodedText Content = JsonEncodedText.Encode("content");
    private static readonly JsonEncodedText UserAgent = JsonEncodedText.Encode("userAgent");
    private static readonly JsonEncodedText Ip = JsonEncodedText.Encode("ip");
    private static readonly JsonEncodedText Device = JsonEncodedText.Encode("device");
    private static readonly JsonEncodedText Channel = JsonEncodedText.Encode("channel");

    private static readonly JsonEncodedText[] TypeNames = [.. Enum.GetNames<MessageType>().Select(n => JsonEncodedText.Encode(n))];
    private static readonly JsonEncodedText[] DeviceNames = [.. Enum.GetNames<DeviceClass>().Select(n => JsonEncodedText.Encode(n))];

    /// <summary>Writes <paramref name="evt"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, JourneyEvent evt)
    {
        writer.WriteStartObject();
        writer.WriteString(MessageId, evt.MessageId);
        WriteEnum(writer, Type, TypeNames, (int)evt.Type);
        WriteIfSet(writer, Event, evt.Event);
        WriteIfSet(writer, Name, evt.Name);
        WriteIfSet(writer, UserId, evt.UserId);
        WriteIfSet(writer, AnonymousId, evt.AnonymousId);
        WriteIfSet(writer, PreviousId, evt.PreviousId);
        WriteIfSet(writer, GroupId, evt.GroupId);
        writer.WriteString(Timestamp, evt.Timestamp);
        writer.WriteString(ReceivedAt, evt.ReceivedAt);
        if (evt.SentAt is { } sentAt) writer.WriteString(SentAt, sentAt);
        if (evt.OriginalTimestamp is { } original) writer.WriteString(OriginalTimestamp, original);
        WriteIfSet(writer, Properties, evt.Properties);
        WriteIfSet(writer, Traits, evt.Traits);
        if (evt.Page is { } page)
        {
            writer.WriteStartObject(Page);
            WriteIfSet(writer, Url, page.Url);
            WriteIfSet(writer, Path, page.Path);
            WriteIfSet(writer, Referrer, page.Referrer);
            WriteIfSet(writer, Title, page.Title);
            WriteIfSet(writer, Search, page.Search);
            writer.WriteEndObject();
        }

        if (evt.Campaign is { } campaign)
        {
            writer.WriteStartObject(Campaign);
            WriteIfSet(writer, Source, campaign.Source);
            WriteIfSet(writer, Medium, campaign.Medium);
            WriteIfSet(writer, Name, campaign.Name);
            WriteIfSet(writer, Term, campaign.Term);
            WriteIfSet(writer, Content, campaign.Content);
            writer.WriteEndObject();
        }

        WriteIfSet(writer, UserAgent, evt.UserAgent);
        WriteIfSet(writer, Ip, evt.Ip);
        WriteEnum(writer, Device, DeviceNames, (int)evt.Device);
        WriteIfSet(writer, Channel, evt.Channel);
        WriteIfSet(writer, Source, evt.Source);
        writer.WriteEndObject();
    }

    /// <summary>The event as UTF-8 JSON bytes.</summary>
    public static byte[] ToUtf8(JourneyEvent evt)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JourneyJson.Options.Encoder }))
            Write(writer, evt);
        return output.WrittenSpan.ToArray();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null) writer.WriteString(name, value);
    }

    private static void WriteIfSet(Utf8JsonWriter writer, JsonEncodedText name, JsonElement? value)
    {
        if (value is not { } element) return;
        writer.WritePropertyName(name);
        element.WriteTo(writer);
    }

    /// <summary>An enum as its name (the values are 0..n-1); an undefined value as its number, as the serializer does.</summary>
    private static void WriteEnum(Utf8JsonWriter writer, JsonEncodedText name, JsonEncodedText[] names, int value)
    {
        if ((uint)value < (uint)names.Length) writer.WriteString(name, names[value]);
        else writer.WriteNumber(name, value);
    }
}
