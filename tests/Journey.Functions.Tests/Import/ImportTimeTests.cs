using Journey.Functions.Import;

namespace Journey.Functions.Tests.Import;

public sealed class ImportTimeTests
{
    [Theory]
    [InlineData("1511544070", "2017-11-24T17:21:10Z")]
    [InlineData(" 1511544070 ", "2017-11-24T17:21:10Z")]
    [InlineData("1511544070123", "2017-11-24T17:21:10.123Z")]
    [InlineData("1511544070.5", "2017-11-24T17:21:10.5Z")]
    [InlineData("2019-10-01 00:00:00 UTC", "2019-10-01T00:00:00Z")]
    [InlineData("2019-10-01T02:00:00+02:00", "2019-10-01T00:00:00Z")]
    [InlineData("2019-10-01T00:00:00.250Z", "2019-10-01T00:00:00.25Z")]
    [InlineData("2019-10-01", "2019-10-01T00:00:00Z")]
    [InlineData("20191001", "2019-10-01T00:00:00Z")]
    public void TryParse_ReadsUnixSecondsMillisecondsAndIsoDates(string text, string expected)
    {
        Assert.True(ImportTime.TryParse(text, out var time));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), time);
        Assert.Equal(TimeSpan.Zero, time.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("15115x")]
    [InlineData("1.2.3")]
    [InlineData("-")]
    [InlineData("99999999999999999999999999")]
    [InlineData("2019-13-01 00:00:00")]
    public void TryParse_RejectsWhatIsNotATime(string text) => Assert.False(ImportTime.TryParse(text, out _));
}
