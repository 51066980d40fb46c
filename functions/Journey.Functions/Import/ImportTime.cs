using System.Globalization;

namespace Journey.Functions.Import;

/// <summary>
/// Reads the time of a row: unix seconds, unix milliseconds (13 digits and more), or a date and
/// time in ISO 8601 or a close relative ("2019-10-01 00:00:00 UTC"), or a day as yyyyMMdd (eight
/// digits, which as unix seconds would be in 1970-1973); times without an offset are UTC.
/// </summary>
internal static class ImportTime
{
    /// <summary>A number at least this large is read as milliseconds: as seconds it would be after the year 5000.</summary>
    private const decimal MillisecondsFrom = 100_000_000_000m;

    private static readonly decimal MinSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly decimal MaxSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    public static bool TryParse(string text, out DateTimeOffset time)
    {
        time = default;
        var s = text.AsSpan().Trim();
        if (s.IsEmpty) return false;

        if (s.Length == 8 && IsNumber(s) && s[0] is '1' or '2'
            && DateTime.TryParseExact(s, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            time = new DateTimeOffset(day, TimeSpan.Zero);
            return true;
        }

        if (IsNumber(s))
        {
            if (!decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                return false;
            var seconds = Math.Abs(number) >= MillisecondsFrom ? number / 1000m : number;
            if (seconds < MinSeconds || seconds > MaxSeconds) return false;
            var ticks = decimal.Round(seconds * TimeSpan.TicksPerSecond);
            var utc = DateTimeOffset.UnixEpoch.Ticks + ticks;
            if (utc < DateTimeOffset.MinValue.Ticks || utc > DateTimeOffset.MaxValue.Ticks) return false;
            time = new DateTimeOffset((long)utc, TimeSpan.Zero);
            return true;
        }

        if (s.EndsWith(" UTC", StringComparison.OrdinalIgnoreCase))
            s = s[..^4].TrimEnd();
        if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
            return false;
        time = parsed.ToUniversalTime();
        return true;
    }

    private static bool IsNumber(ReadOnlySpan<char> s)
    {
        var digits = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiDigit(c)) digits++;
            else if (!(c == '.' || (i == 0 && c == '-'))) return false;
        }
        return digits > 0;
    }
}
