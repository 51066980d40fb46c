using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Journey.Domain.Events;
using Journey.Domain.Serialization;

namespace Journey.Adapters.Stream.EventHubs;

/// <summary>
/// The wire format of the Event Hubs REST "send batch events" call: a JSON array of
/// <c>{"Body":"&lt;event JSON as a string&gt;","UserProperties":{"profileKey":…,"messageId":…}}</c>
/// (content type <c>application/vnd.microsoft.servicebus.json</c>); the hub stores each Body's text
/// as the event body, so the processor reads exactly the <see cref="JourneyJson"/> of the event.
/// The partition key is the <c>BrokerProperties</c> header, one per request.
/// Everything is written as ASCII (JSON <c>\uXXXX</c> escapes beyond it), so neither the body's
/// charset nor a header's encoding can garble a profile key.
/// </summary>
internal static class EventHubsBatchFormat
{
    public const string ContentType = "application/vnd.microsoft.servicebus.json";

    /// <summary>The longest partition key the service takes; longer profile keys are hashed.</summary>
    public const int MaxPartitionKeyLength = 128;

    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    /// <summary>One array element for <paramref name="evt"/>.</summary>
    public static byte[] EncodeItem(JourneyEvent evt, string profileKey)
    {
        var body = JourneyEventJson.ToUtf8(evt);
        var output = new ArrayBufferWriter<byte>(body.Length + (body.Length / 8) + 128);
        output.Write("{\"Body\":\""u8);
        WriteEscaped(output, body);
        output.Write("\",\"UserProperties\":{\"profileKey\":\""u8);
        WriteEscaped(output, Encoding.UTF8.GetBytes(profileKey));
        output.Write("\",\"messageId\":\""u8);
        WriteEscaped(output, Encoding.UTF8.GetBytes(evt.MessageId));
        output.Write("\"}}"u8);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The size of a request body holding items of these total bytes: <c>[a,b,…]</c>.</summary>
    public static long BodySize(int count, long itemBytes) => count == 0 ? 2 : 2 + itemBytes + count - 1;

    /// <summary>The request body: the items as a JSON array.</summary>
    public static byte[] BuildBody(IReadOnlyList<byte[]> items)
    {
        var size = BodySize(items.Count, items.Sum(i => (long)i.Length));
        var body = new byte[size];
        var at = 0;
        body[at++] = (byte)'[';
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) body[at++] = (byte)',';
            items[i].CopyTo(body, at);
            at += items[i].Length;
        }

        body[at] = (byte)']';
        return body;
    }

    /// <summary>The <c>BrokerProperties</c> header: <c>{"PartitionKey":"…"}</c>, ASCII.</summary>
    public static string BrokerProperties(string partitionKey)
    {
        var output = new ArrayBufferWriter<byte>(partitionKey.Length + 24);
        output.Write("{\"PartitionKey\":\""u8);
        WriteEscaped(output, Encoding.UTF8.GetBytes(partitionKey));
        output.Write("\"}"u8);
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }

    /// <summary>
    /// The partition key of a profile: the profile key itself, or, over 128 characters, a stable
    /// <c>sha256:&lt;hex&gt;</c> of it (every event of the profile still lands in one partition; the
    /// processor takes the profile from the body, never from the partition key).
    /// </summary>
    public static string PartitionKeyOf(string profileKey) =>
        profileKey.Length <= MaxPartitionKeyLength
            ? profileKey
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(profileKey)));

    /// <summary>Writes UTF-8 text as the inside of a JSON string, ASCII only.</summary>
    internal static void WriteEscaped(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[2];
        while (!utf8.IsEmpty)
        {
            // Copy the longest run that needs no escaping in one go.
            var run = 0;
            while (run < utf8.Length && utf8[run] is >= 0x20 and < 0x80 and not (byte)'"' and not (byte)'\\') run++;
            if (run > 0)
            {
                output.Write(utf8[..run]);
                utf8 = utf8[run..];
                continue;
            }

            var b = utf8[0];
            if (b is (byte)'"' or (byte)'\\')
            {
                output.Write([(byte)'\\', b]);
                utf8 = utf8[1..];
                continue;
            }

            if (b < 0x20)
            {
                WriteUnicodeEscape(output, b);
                utf8 = utf8[1..];
                continue;
            }

            Rune.DecodeFromUtf8(utf8, out var rune, out var consumed);
            var n = rune.EncodeToUtf16(chars);
            for (var i = 0; i < n; i++) WriteUnicodeEscape(output, chars[i]);
            utf8 = utf8[consumed..];
        }
    }

    private static void WriteUnicodeEscape(IBufferWriter<byte> output, int value)
    {
        var span = output.GetSpan(6);
        span[0] = (byte)'\\';
        span[1] = (byte)'u';
        span[2] = Hex[(value >> 12) & 0xF];
        span[3] = Hex[(value >> 8) & 0xF];
        span[4] = Hex[(value >> 4) & 0xF];
        span[5] = Hex[value & 0xF];
        output.Advance(6);
    }
}
