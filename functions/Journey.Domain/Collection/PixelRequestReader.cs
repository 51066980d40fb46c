using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Journey.Domain.Enrichment;
using Journey.Domain.Events;

namespace Journey.Domain.Collection;

/// <summary>
/// Reads a tracking-pixel hit (<c>GET /i?...</c>) into a <see cref="JourneyEvent"/>.
/// <list type="table">
/// <item><term>k</term><description>write key (authenticated by the endpoint, ignored here)</description></item>
/// <item><term>e</term><description>event name; missing, empty, <c>pv</c> (Snowplow), <c>page</c>,
/// <c>pageview</c>, <c>page_view</c> or "Page Viewed" → a page view (<see cref="MessageType.Page"/>);
/// any other name → a track event of that name</description></item>
/// <item><term>aid / uid</term><description>anonymous id / user id; at least one is needed [uid]</description></item>
/// <item><term>mid</term><description>message id, at most 100 characters [mid]; generated when missing</description></item>
/// <item><term>url / ref</term><description>page url (else the Referer header: the page that loaded
/// the image) and its referrer; <c>utm_*</c> in the url give the campaign</description></item>
/// <item><term>ts</term><description>client time in milliseconds since the Unix epoch [ts]; the event
/// time, moved back to the receive time when it lies in the future</description></item>
/// <item><term>p_&lt;name&gt; / t_&lt;name&gt;</term><description>properties / traits. A value that reads as a
/// plain decimal number (<c>42.5</c>, <c>-3</c>, <c>7</c>; no leading zeros, no exponent, at most
/// 15 digits so a double holds it exactly) becomes a JSON number; anything else stays a string
/// (<c>A1</c>, <c>007</c>, <c>01234</c>). A repeated name keeps its last value.</description></item>
/// </list>
/// Errors name the query parameter (uid, mid, ts, p_name, ...); a name or value that does not
/// percent-decode to valid UTF-8 (<c>uid=%FF</c>, <c>p_name=%C3%28</c>) is an error too. Device and
/// channel come from the User-Agent header and the url/ref pair; the IP from the remote address,
/// anonymised unless configured otherwise.
/// </summary>
public static class PixelRequestReader
{
    private const long MinUnixMilliseconds = -62_135_596_800_000;
    private const long MaxUnixMilliseconds = 253_402_300_799_999;

    /// <summary>
    /// Reads a raw query string (<c>?k=...&amp;e=...</c>, percent-encoded UTF-8, '+' as space). Every
    /// parameter name and value must decode to valid UTF-8, the ones the pixel ignores too [the
    /// parameter's name; for a bad name, the name as sent, still percent-encoded].
    /// </summary>
    public static CollectionResult ReadQueryString(string? queryString, CollectorContext context)
    {
        var hit = new Hit();
        foreach (var pair in new QueryPairs(queryString))
        {
            if (pair.Key.IsEmpty) continue;
            if (!QueryText.TryDecode(pair.Key, out var key, out var keyProblem))
            {
                var sent = Printable(pair.Key);
                return CollectionResult.Failure(context.FieldPrefix + sent, $"the parameter name {JsonFields.Quote(sent)} is not valid UTF-8 ({keyProblem}); percent-encode text as UTF-8 (é is %C3%A9)");
            }
            if (!QueryText.TryDecode(pair.Value, out var value, out var valueProblem))
                return CollectionResult.Failure(context.FieldPrefix + key, InvalidValue(key, valueProblem));
            hit.Add(key, value);
        }
        return hit.ToEvent(context);
    }

    /// <summary>
    /// The write key (<c>k</c>) of a raw query string: its first value, decoded; null when there is
    /// none, or when it is not valid UTF-8 (then <paramref name="error"/> says so, naming k).
    /// </summary>
    public static string? WriteKey(string? queryString, out CollectionError? error)
    {
        error = null;
        foreach (var pair in new QueryPairs(queryString))
        {
            if (!pair.Key.SequenceEqual("k") && !(pair.Key.IndexOfAny('%', '+') >= 0 && QueryText.TryDecode(pair.Key, out var name, out _) && name == "k"))
                continue;
            if (QueryText.TryDecode(pair.Value, out var key, out var problem)) return key;
            error = new CollectionError(InvalidValue("k", problem), "k");
            return null;
        }

        return null;
    }

    private static string InvalidValue(string name, string problem) =>
        $"the value of {name} is not valid UTF-8 ({problem}); percent-encode text as UTF-8 (é is %C3%A9)";

    /// <summary>Text as sent, for an error: a lone surrogate (which JSON cannot carry) becomes U+FFFD.</summary>
    private static string Printable(ReadOnlySpan<char> sent) =>
        sent.IndexOfAnyInRange('\uD800', '\uDFFF') < 0 ? new string(sent) : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(sent.ToArray()));

    /// <summary>True when <paramref name="value"/> is a plain decimal number a double holds exactly.</summary>
    internal static bool LooksNumeric(ReadOnlySpan<char> value)
    {
        var i = 0;
        if (value.IsEmpty) return false;
        if (value[0] == '-') i++;
        if (i == value.Length || !char.IsAsciiDigit(value[i])) return false;
        var digitsStart = i;
        if (value[i] == '0')
        {
            i++;
            if (i < value.Length && char.IsAsciiDigit(value[i])) return false;
        }
        else
        {
            while (i < value.Length && char.IsAsciiDigit(value[i])) i++;
        }
        var digits = i - digitsStart;
        if (i < value.Length && value[i] == '.')
        {
            i++;
            var fractionStart = i;
            while (i < value.Length && char.IsAsciiDigit(value[i])) i++;
            if (i == fractionStart) return false;
            digits += i - fractionStart;
        }
        return i == value.Length && digits <= 15;
    }

    private static bool IsPageView(string? name) =>
        string.IsNullOrWhiteSpace(name)
        || name.Equals("pv", StringComparison.OrdinalIgnoreCase)
        || name.Equals("page", StringComparison.OrdinalIgnoreCase)
        || name.Equals("pageview", StringComparison.OrdinalIgnoreCase)
        || name.Equals("page_view", StringComparison.OrdinalIgnoreCase)
        || name.Equals(EventNames.PageViewed, StringComparison.OrdinalIgnoreCase);

    private static JsonElement? ToJsonObject(Dictionary<string, string>? values)
    {
        if (values is null || values.Count == 0) return null;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in values)
            {
                if (LooksNumeric(value))
                {
                    writer.WritePropertyName(name);
                    writer.WriteRawValue(value, skipInputValidation: true);
                }
                else
                {
                    writer.WriteString(name, value);
                }
            }
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static string? NotBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private sealed class Hit
    {
        private string? _event;
        private string? _anonymousId;
        private string? _userId;
        private string? _messageId;
        private string? _url;
        private string? _referrer;
        private string? _ts;
        private Dictionary<string, string>? _properties;
        private Dictionary<string, string>? _traits;

        public void Add(string key, string? value)
        {
            value ??= "";
            switch (key)
            {
                case "e": _event = value; break;
                case "aid": _anonymousId = value; break;
                case "uid": _userId = value; break;
                case "mid": _messageId = value; break;
                case "url": _url = value; break;
                case "ref": _referrer = value; break;
                case "ts": _ts = value; break;
                default:
                    if (key.Length > 2 && key.StartsWith("p_", StringComparison.Ordinal))
                        (_properties ??= new(StringComparer.Ordinal))[key[2..]] = value;
                    else if (key.Length > 2 && key.StartsWith("t_", StringComparison.Ordinal))
                        (_traits ??= new(StringComparer.Ordinal))[key[2..]] = value;
                    break;
            }
        }

        public CollectionResult ToEvent(CollectorContext context)
        {
            var prefix = context.FieldPrefix;
            var userId = NotBlank(_userId);
            var anonymousId = NotBlank(_anonymousId);
            if (userId is null && anonymousId is null)
                return CollectionResult.Failure(prefix + "uid", "neither uid (user id) nor aid (anonymous id) is set; a pixel hit needs at least one of them");

            var messageId = NotBlank(_messageId);
            if (messageId is not null && messageId.Length > CollectionLimits.MaxMessageIdLength)
                return CollectionResult.Failure(prefix + "mid", $"mid is {messageId.Length} characters; the limit is {CollectionLimits.MaxMessageIdLength}");

            DateTimeOffset? clientTime = null;
            if (NotBlank(_ts) is { } ts)
            {
                if (!long.TryParse(ts, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
                    || ms is < MinUnixMilliseconds or > MaxUnixMilliseconds)
                {
                    return CollectionResult.Failure(prefix + "ts", $"ts {JsonFields.Quote(ts)} is not a time in milliseconds since the Unix epoch (e.g. 1714566600000)");
                }
                clientTime = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }

            var isPage = IsPageView(_event);
            var url = NotBlank(_url) ?? NotBlank(context.Referer);
            var page = SegmentMessageReader.Page(url, path: null, NotBlank(_referrer), title: null, search: null);
            var campaign = SegmentMessageReader.CampaignFromUrl(url);
            var userAgent = NotBlank(context.UserAgent);
            var ip = context.OmitIp ? null : IpAnonymizer.Anonymize(context.RemoteIp, keepFullIp: !context.Enrichment.AnonymizeIp);

            return CollectionResult.Success(new JourneyEvent
            {
                MessageId = messageId ?? MessageIds.New(),
                Type = isPage ? MessageType.Page : MessageType.Track,
                Event = isPage ? null : _event!.Trim(),
                UserId = userId,
                AnonymousId = anonymousId,
                Timestamp = ClockSkew.Correct(context.ReceivedAt, clientTime, sentAt: null),
                ReceivedAt = context.ReceivedAt,
                OriginalTimestamp = clientTime,
                Properties = ToJsonObject(_properties),
                Traits = ToJsonObject(_traits),
                Page = page,
                Campaign = campaign,
                UserAgent = userAgent,
                Ip = ip,
                Device = DeviceClassifier.Classify(userAgent),
                Channel = ChannelClassifier.Classify(page?.Url, page?.Referrer, campaign).Channel,
                Source = context.Source,
            });
        }
    }
}
