using System.Runtime.InteropServices;
using System.Text.Json;
using Journey.Domain.Enrichment;
using Journey.Domain.Events;

namespace Journey.Domain.Collection;

/// <summary>
/// Reads one Segment HTTP Tracking API message (the body of <c>/v1/track</c>, <c>/v1/page</c>, ...,
/// or one item of a batch) into a validated, enriched <see cref="JourneyEvent"/>.
/// <para>Validation, in this order (the field of the error in brackets):</para>
/// <list type="bullet">
/// <item>the message is a JSON object [body];</item>
/// <item>its raw size is at most 32 KB [size];</item>
/// <item>every string and property name in it is valid UTF-8 (no lone surrogate escapes either)
/// [the path of the string, e.g. <c>properties.items[2].sku</c>; the object holding a bad name];</item>
/// <item>the type comes from the route, else from <c>type</c> [type];</item>
/// <item><c>userId</c> and <c>anonymousId</c> are strings or numbers (a number becomes its text;
/// empty or whitespace is missing) and at least one is set [userId / anonymousId];</item>
/// <item><c>messageId</c> has at most 100 characters; a missing one is generated [messageId];</item>
/// <item>track has an <c>event</c> name [event]; alias a <c>previousId</c> [previousId]; group a <c>groupId</c> [groupId];</item>
/// <item><c>timestamp</c>, <c>originalTimestamp</c> and <c>sentAt</c> are ISO 8601 strings [that field];</item>
/// <item><c>context</c>, <c>properties</c> and <c>traits</c> are objects when present [that field].</item>
/// </list>
/// <para>Enrichment: <c>context.page</c> (for page calls also url/path/referrer/title/search from
/// <c>properties</c>; path and search derived from the url when missing); <c>context.campaign</c>,
/// else the <c>utm_*</c> parameters of the page url; <c>context.userAgent</c>, else the User-Agent
/// header; <c>context.ip</c>, else the remote address, anonymised unless configured otherwise;
/// device and channel from those; the timestamp corrected for clock skew.</para>
/// <para>A server library posting on a customer's behalf (analytics-node, python-requests, Java,
/// Go's client, ...) sends its own User-Agent header: when the message carries no
/// <c>context.userAgent</c>, such a header says nothing about the customer, so the event gets no
/// user agent and device <see cref="DeviceClass.Unknown"/> instead of being taken for a bot.</para>
/// </summary>
public static class SegmentMessageReader
{
    /// <summary>Reads a message whose raw size is taken from the parsed JSON.</summary>
    public static CollectionResult Read(JsonElement message, MessageType? routeType, CollectorContext context) =>
        Read(message, routeType, JsonFields.RawSize(message), context);

    /// <summary>
    /// Reads a message. <paramref name="routeType"/> is the type named by the route (null for routes
    /// that do not name one); <paramref name="rawSizeBytes"/> is the message's raw UTF-8 size.
    /// </summary>
    public static CollectionResult Read(JsonElement message, MessageType? routeType, int rawSizeBytes, CollectorContext context)
    {
        var result = ReadCore(message, routeType, rawSizeBytes, context, default);
        if (result.IsSuccess) return result;
        var field = result.Error.Field.Length == 0 ? "body" : result.Error.Field;
        return CollectionResult.Failure(context.FieldPrefix + field, result.Error.Error);
    }

    /// <summary>Batch-level values that items without their own inherit.</summary>
    internal readonly record struct BatchDefaults(DateTimeOffset? SentAt, JsonElement? Context);

    /// <summary>
    /// Reads a message; error fields are relative to the message ("" for the message itself) and unprefixed.
    /// <paramref name="textChecked"/>: the caller has already checked all the message's text is valid UTF-8 (a batch checks its body whole).
    /// </summary>
    internal static CollectionResult ReadCore(JsonElement message, MessageType? routeType, int rawSizeBytes, CollectorContext context, BatchDefaults batch, bool textChecked = false)
    {
        if (message.ValueKind != JsonValueKind.Object)
            return Fail("", $"a message must be a JSON object, not {JsonFields.Describe(message.ValueKind)}");
        if (rawSizeBytes > CollectionLimits.MaxMessageBytes)
            return Fail("size", $"the message is {rawSizeBytes} bytes; the limit is {CollectionLimits.MaxMessageBytes} bytes (32 KB)");

        // Text: reading a string that is not valid UTF-8 would throw, and copying one would alter it.
        if (!textChecked && Utf8Text.FindInvalid(message) is { } invalidText) return CollectionResult.Failure(invalidText);

        var fields = MessageFields.Read(message);

        // Type: the route decides; otherwise the body's "type".
        MessageType type;
        if (routeType is { } fromRoute)
        {
            type = fromRoute;
        }
        else
        {
            var typeValue = fields.Type;
            if (typeValue is null)
                return Fail("type", $"type is missing; it must be one of {SegmentRoutes.TypeList}");
            if (typeValue.Value.ValueKind != JsonValueKind.String)
                return Fail("type", $"type must be a string ({SegmentRoutes.TypeList}), not {JsonFields.Describe(typeValue.Value.ValueKind)}");
            var typeName = typeValue.Value.GetString();
            if (!SegmentRoutes.TryParseType(typeName, out type))
                return Fail("type", $"type {JsonFields.Quote(typeName)} is not a Segment message type; expected {SegmentRoutes.TypeList}");
        }

        // Identity.
        if (ReadId(fields.UserId, "userId", out var userId) is { } userIdError) return userIdError;
        if (ReadId(fields.AnonymousId, "anonymousId", out var anonymousId) is { } anonymousIdError) return anonymousIdError;
        if (userId is null && anonymousId is null)
            return Fail("userId", "neither userId nor anonymousId is set; every message needs at least one of them");

        if (ReadId(fields.MessageId, "messageId", out var messageId) is { } messageIdError) return messageIdError;
        if (messageId is not null && messageId.Length > CollectionLimits.MaxMessageIdLength)
            return Fail("messageId", $"messageId is {messageId.Length} characters; the limit is {CollectionLimits.MaxMessageIdLength}");

        // What the type requires.
        string? eventName = null;
        string? previousId = null;
        string? groupId = null;
        switch (type)
        {
            case MessageType.Track:
                if (fields.Event is { ValueKind: not JsonValueKind.String } wrongEvent)
                    return Fail("event", $"event must be a string, not {JsonFields.Describe(wrongEvent.ValueKind)}");
                eventName = JsonFields.NonBlankString(fields.Event);
                if (eventName is null)
                    return Fail("event", "a track call needs an event name in \"event\" (e.g. \"Order Completed\")");
                break;
            case MessageType.Alias:
                if (ReadId(fields.PreviousId, "previousId", out previousId) is { } previousIdError) return previousIdError;
                if (previousId is null)
                    return Fail("previousId", "an alias call needs previousId, the id that is merged into userId");
                break;
            case MessageType.Group:
                if (ReadId(fields.GroupId, "groupId", out groupId) is { } groupIdError) return groupIdError;
                if (groupId is null)
                    return Fail("groupId", "a group call needs groupId, the id of the group (company, account) the user joins");
                break;
        }

        // Times.
        if (ReadTime(fields.Timestamp, "timestamp", out var timestamp) is { } timestampError) return timestampError;
        if (ReadTime(fields.OriginalTimestamp, "originalTimestamp", out var originalTimestamp) is { } originalError) return originalError;
        if (ReadTime(fields.SentAt, "sentAt", out var sentAt) is { } sentAtError) return sentAtError;
        sentAt ??= batch.SentAt;
        DateTimeOffset? messageReceivedAt = null;
        if (context.Historical && ReadTime(fields.ReceivedAt, "receivedAt", out messageReceivedAt) is { } receivedAtError) return receivedAtError;

        // Objects.
        var contextValue = fields.Context;
        if (contextValue is { ValueKind: not JsonValueKind.Object } wrongContext)
            return Fail("context", $"context must be a JSON object, not {JsonFields.Describe(wrongContext.ValueKind)}");
        if (ReadObject(fields.Properties, "properties", out var properties) is { } propertiesError) return propertiesError;
        if (ReadObject(fields.Traits, "traits", out var traits) is { } traitsError) return traitsError;

        var ctx = new ContextView(contextValue, batch.Context);
        traits ??= ctx.Object("traits");

        // Page and campaign.
        var page = ReadPage(ctx, type == MessageType.Page ? properties : null);
        var campaign = ReadCampaign(ctx) ?? CampaignFromUrl(page?.Url);

        // Client: user agent, device, IP.
        var userAgent = ctx.String("userAgent");
        DeviceClass device;
        if (userAgent is not null)
        {
            device = DeviceClassifier.Classify(userAgent);
        }
        else if (DeviceClassifier.IsHttpClientLibrary(context.UserAgent))
        {
            device = DeviceClass.Unknown;
        }
        else
        {
            userAgent = string.IsNullOrWhiteSpace(context.UserAgent) ? null : context.UserAgent;
            device = DeviceClassifier.Classify(userAgent);
        }
        var ip = context.OmitIp ? null : IpAnonymizer.Anonymize(ctx.String("ip") ?? context.RemoteIp, keepFullIp: !context.Enrichment.AnonymizeIp);

        // Time.
        var receivedAt = context.ReceivedAt;
        DateTimeOffset? clientTime;
        DateTimeOffset eventTime;
        if (!context.Historical)
        {
            clientTime = timestamp ?? originalTimestamp;
            eventTime = ClockSkew.Correct(receivedAt, clientTime, sentAt);
        }
        else if (messageReceivedAt is { } storedReceivedAt)
        {
            receivedAt = storedReceivedAt;
            clientTime = originalTimestamp ?? timestamp;
            eventTime = ClockSkew.Correct(receivedAt, clientTime, sentAt);
        }
        else
        {
            clientTime = timestamp ?? originalTimestamp;
            eventTime = ClockSkew.Correct(receivedAt, clientTime ?? sentAt, sentAt: null);
        }

        messageId ??= context.Historical ? MessageIds.FromContent(JsonMarshal.GetRawUtf8Value(message)) : MessageIds.New();
        var name = type is MessageType.Page or MessageType.Screen
            ? JsonFields.NonBlankString(fields.Name) ?? JsonFields.GetString(properties, "name")
            : null;

        return CollectionResult.Success(new JourneyEvent
        {
            MessageId = messageId,
            Type = type,
            Event = eventName,
            Name = name,
            UserId = userId,
            AnonymousId = anonymousId,
            PreviousId = previousId,
            GroupId = groupId,
            Timestamp = eventTime,
            ReceivedAt = receivedAt,
            SentAt = sentAt,
            OriginalTimestamp = clientTime,
            Properties = properties?.Clone(),
            Traits = traits?.Clone(),
            Page = page,
            Campaign = campaign,
            UserAgent = userAgent,
            Ip = ip,
            Device = device,
            Channel = ChannelClassifier.Classify(page?.Url, page?.Referrer, campaign).Channel,
            Source = context.Source,
        });
    }

    /// <summary>Builds a page context from the url, deriving path and search (with its '?') when they are missing.</summary>
    internal static PageContext? Page(string? url, string? path, string? referrer, string? title, string? search)
    {
        if (url is not null && (path is null || search is null))
        {
            var parts = Url.Parse(url);
            if (path is null && !parts.Path.IsEmpty) path = new string(parts.Path);
            if (search is null && !parts.Query.IsEmpty) search = string.Concat("?", parts.Query);
        }
        return url is null && path is null && referrer is null && title is null && search is null
            ? null
            : new PageContext { Url = url, Path = path, Referrer = referrer, Title = title, Search = search };
    }

    /// <summary>The <c>utm_*</c> parameters of a page url, or null when it has none.</summary>
    internal static CampaignContext? CampaignFromUrl(string? url)
    {
        if (url is null) return null;
        var query = Url.Parse(url).Query;
        if (query.IndexOf("utm_", StringComparison.OrdinalIgnoreCase) < 0) return null;

        string? source = null, medium = null, name = null, term = null, content = null;
        foreach (var pair in new QueryPairs(query))
        {
            if (!pair.Key.StartsWith("utm_", StringComparison.OrdinalIgnoreCase) || pair.Value.IsEmpty) continue;
            var key = pair.Key[4..];
            if (key.Equals("source", StringComparison.OrdinalIgnoreCase)) source ??= Text(pair.Value);
            else if (key.Equals("medium", StringComparison.OrdinalIgnoreCase)) medium ??= Text(pair.Value);
            else if (key.Equals("campaign", StringComparison.OrdinalIgnoreCase)) name ??= Text(pair.Value);
            else if (key.Equals("term", StringComparison.OrdinalIgnoreCase)) term ??= Text(pair.Value);
            else if (key.Equals("content", StringComparison.OrdinalIgnoreCase)) content ??= Text(pair.Value);
        }
        return Campaign(source, medium, name, term, content);

        static string? Text(ReadOnlySpan<char> raw) => Url.Decode(raw) is var text && !string.IsNullOrWhiteSpace(text) ? text : null;
    }

    private static PageContext? ReadPage(ContextView ctx, JsonElement? pageProperties) => Page(
        ctx.String("page", "url") ?? JsonFields.GetString(pageProperties, "url"),
        ctx.String("page", "path") ?? JsonFields.GetString(pageProperties, "path"),
        ctx.String("page", "referrer") ?? JsonFields.GetString(pageProperties, "referrer"),
        ctx.String("page", "title") ?? JsonFields.GetString(pageProperties, "title"),
        ctx.String("page", "search") ?? JsonFields.GetString(pageProperties, "search"));

    private static CampaignContext? ReadCampaign(ContextView ctx) => Campaign(
        ctx.String("campaign", "source"),
        ctx.String("campaign", "medium"),
        ctx.String("campaign", "name") ?? ctx.String("campaign", "campaign"),
        ctx.String("campaign", "term"),
        ctx.String("campaign", "content"));

    private static CampaignContext? Campaign(string? source, string? medium, string? name, string? term, string? content) =>
        source is null && medium is null && name is null && term is null && content is null
            ? null
            : new CampaignContext { Source = source, Medium = medium, Name = name, Term = term, Content = content };

    /// <summary>An id: a string (empty or whitespace counts as missing) or a number (its JSON text).</summary>
    private static CollectionResult? ReadId(JsonElement? present, string field, out string? id)
    {
        id = null;
        if (present is not { } value) return null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString();
                id = string.IsNullOrWhiteSpace(text) ? null : text;
                return null;
            case JsonValueKind.Number:
                id = value.GetRawText();
                return null;
            default:
                return Fail(field, $"{field} must be a string or a number, not {JsonFields.Describe(value.ValueKind)}");
        }
    }

    private static CollectionResult? ReadTime(JsonElement? present, string field, out DateTimeOffset? time)
    {
        time = null;
        if (present is not { } value) return null;
        if (value.ValueKind != JsonValueKind.String)
            return Fail(field, $"{field} must be an ISO 8601 date-time string (e.g. \"2024-05-01T12:30:00.000Z\"), not {JsonFields.Describe(value.ValueKind)}");
        if (string.IsNullOrWhiteSpace(value.GetString())) return null;
        if (!JsonFields.TryGetTime(value, out var parsed))
            return Fail(field, $"{field} {JsonFields.Quote(value.GetString())} is not an ISO 8601 date-time (e.g. \"2024-05-01T12:30:00.000Z\")");
        time = parsed;
        return null;
    }

    private static CollectionResult? ReadObject(JsonElement? present, string field, out JsonElement? value)
    {
        value = present;
        if (value is null or { ValueKind: JsonValueKind.Object }) return null;
        var kind = value.Value.ValueKind;
        value = null;
        return Fail(field, $"{field} must be a JSON object, not {JsonFields.Describe(kind)}");
    }

    private static CollectionResult Fail(string field, string error) => CollectionResult.Failure(field, error);

    /// <summary>
    /// The top-level fields of a message the reader uses, found in one pass over its properties
    /// (a message has a dozen; looking each field up by name would scan them all every time).
    /// As <see cref="JsonFields.Get"/>: null counts as missing and of a repeated name the last wins.
    /// </summary>
    private struct MessageFields
    {
        public JsonElement? Type, UserId, AnonymousId, MessageId, Event, PreviousId, GroupId, Name;
        public JsonElement? Timestamp, OriginalTimestamp, SentAt, ReceivedAt, Context, Properties, Traits;

        public static MessageFields Read(JsonElement message)
        {
            var fields = default(MessageFields);
            foreach (var property in message.EnumerateObject())
            {
                JsonElement? value = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
                var raw = JsonMarshal.GetRawUtf8PropertyName(property);
                if (raw.IndexOf((byte)'\\') >= 0) raw = System.Text.Encoding.UTF8.GetBytes(property.Name); // an escaped name: compare its text
                fields.Set(raw, value);
            }

            return fields;
        }

        /// <summary>Keeps <paramref name="value"/> when <paramref name="name"/> is one of the fields (switching on the length first).</summary>
        private void Set(ReadOnlySpan<byte> name, JsonElement? value)
        {
            switch (name.Length)
            {
                case 4:
                    if (name.SequenceEqual("type"u8)) Type = value;
                    if (name.SequenceEqual("name"u8)) Name = value;
                    break;
                case 5:
                    if (name.SequenceEqual("event"u8)) Event = value;
                    break;
                case 6:
                    if (name.SequenceEqual("userId"u8)) UserId = value;
                    if (name.SequenceEqual("sentAt"u8)) SentAt = value;
                    if (name.SequenceEqual("traits"u8)) Traits = value;
                    break;
                case 7:
                    if (name.SequenceEqual("groupId"u8)) GroupId = value;
                    if (name.SequenceEqual("context"u8)) Context = value;
                    break;
                case 9:
                    if (name.SequenceEqual("messageId"u8)) MessageId = value;
                    if (name.SequenceEqual("timestamp"u8)) Timestamp = value;
                    break;
                case 10:
                    if (name.SequenceEqual("previousId"u8)) PreviousId = value;
                    if (name.SequenceEqual("receivedAt"u8)) ReceivedAt = value;
                    if (name.SequenceEqual("properties"u8)) Properties = value;
                    break;
                case 11:
                    if (name.SequenceEqual("anonymousId"u8)) AnonymousId = value;
                    break;
                case 17:
                    if (name.SequenceEqual("originalTimestamp"u8)) OriginalTimestamp = value;
                    break;
            }
        }
    }

    /// <summary>A message's context with the batch's context merged under it, field by field.</summary>
    private readonly struct ContextView(JsonElement? item, JsonElement? batch)
    {
        public string? String(string name) => JsonFields.GetString(item, name) ?? JsonFields.GetString(batch, name);

        public string? String(string obj, string name) =>
            JsonFields.GetString(JsonFields.GetObject(item, obj), name) ?? JsonFields.GetString(JsonFields.GetObject(batch, obj), name);

        public JsonElement? Object(string name) => JsonFields.GetObject(item, name) ?? JsonFields.GetObject(batch, name);
    }
}
