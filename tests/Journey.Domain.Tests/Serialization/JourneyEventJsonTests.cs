using System.Buffers;
using System.Text.Json;
using Journey.Domain.Events;
using Journey.Domain.Serialization;

namespace Journey.Domain.Tests.Serialization;

public class JourneyEventJsonTests
{
    private static readonly string?[] Texts =
    [
        null, "", "Order Completed", "u-42", "Caf\u00e9 cr\u00e8me", "say \"hi\"\\now", "<script>&amp;</script>",
        "line\nbreak\ttab", "\u2028separator", "emoji \ud83d\uded2", "https://shop.example/p?q=a&b=c#x",
    ];

    private static readonly string?[] Json =
    [
        null, "{}", """{"product_id":7,"price":19.5,"tags":["a","b"],"nested":{"ok":true,"none":null}}""",
        """{"name":"Caf\u00e9 \"quoted\"","big":12345678901234567890,"neg":-0.5e-7}""", "[]", "\"a string\"",
    ];

    [Fact]
    public void Writes_the_same_bytes_as_the_serializer_options_for_every_shape_of_event()
    {
        var random = new Random(20261130);
        for (var i = 0; i < 2_000; i++)
        {
            var evt = RandomEvent(random, i);

            Assert.Equal(Serializer(evt), Handwritten(evt));
        }
    }

    [Fact]
    public void Writes_an_undefined_enum_value_as_its_number_like_the_serializer()
    {
        var evt = RandomEvent(new Random(1), 0) with { Type = (MessageType)99, Device = (DeviceClass)42 };

        Assert.Equal(Serializer(evt), Handwritten(evt));
    }

    [Fact]
    public void The_written_event_reads_back_as_the_same_event()
    {
        var evt = RandomEvent(new Random(3), 1) with { Properties = Element("""{"revenue":42.5}"""), Page = new PageContext { Url = "https://shop.example/" } };

        var back = JourneyJson.Deserialize<JourneyEvent>(Handwritten(evt));

        Assert.Equal(evt.MessageId, back.MessageId);
        Assert.Equal(evt.Timestamp, back.Timestamp);
        Assert.Equal(42.5m, back.Properties!.Value.GetProperty("revenue").GetDecimal());
        Assert.Equal(evt.Page, back.Page);
        Assert.Equal(evt.Device, back.Device);
    }

    private static JourneyEvent RandomEvent(Random random, int i) => new()
    {
        MessageId = "m-" + i + Pick(random, Texts),
        Type = (MessageType)random.Next(Enum.GetValues<MessageType>().Length),
        Event = Pick(random, Texts),
        Name = Pick(random, Texts),
        UserId = Pick(random, Texts),
        AnonymousId = Pick(random, Texts),
        PreviousId = Pick(random, Texts),
        GroupId = Pick(random, Texts),
        Timestamp = Time(random),
        ReceivedAt = Time(random),
        SentAt = random.Next(2) == 0 ? null : Time(random),
        OriginalTimestamp = random.Next(2) == 0 ? null : Time(random),
        Properties = Pick(random, Json) is { } p ? Element(p) : null,
        Traits = Pick(random, Json) is { } t ? Element(t) : null,
        Page = random.Next(3) == 0 ? null : new PageContext
        {
            Url = Pick(random, Texts), Path = Pick(random, Texts), Referrer = Pick(random, Texts), Title = Pick(random, Texts), Search = Pick(random, Texts),
        },
        Campaign = random.Next(3) == 0 ? null : new CampaignContext
        {
            Source = Pick(random, Texts), Medium = Pick(random, Texts), Name = Pick(random, Texts), Term = Pick(random, Texts), Content = Pick(random, Texts),
        },
        UserAgent = Pick(random, Texts),
        Ip = Pick(random, Texts),
        Device = (DeviceClass)random.Next(Enum.GetValues<DeviceClass>().Length),
        Channel = Pick(random, Texts),
        Source = Pick(random, Texts),
    };

    private static string? Pick(Random random, string?[] pool) => pool[random.Next(pool.Length)];

    /// <summary>Times with whole seconds, milliseconds and single ticks, in UTC and other offsets.</summary>
    private static DateTimeOffset Time(Random random)
    {
        var ticks = new DateTime(2020, 1, 1).Ticks + random.NextInt64(TimeSpan.TicksPerDay * 3_000);
        ticks -= random.Next(3) switch { 0 => ticks % TimeSpan.TicksPerSecond, 1 => ticks % TimeSpan.TicksPerMillisecond, _ => 0 };
        var offset = TimeSpan.FromMinutes(random.Next(3) switch { 0 => 0, 1 => 120, _ => -330 });
        return new DateTimeOffset(ticks, offset);
    }

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string Serializer(JourneyEvent evt) => JsonSerializer.Serialize(evt, JourneyJson.Options);

    private static string Handwritten(JourneyEvent evt)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JourneyJson.Options.Encoder }))
            JourneyEventJson.Write(writer, evt);
        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
