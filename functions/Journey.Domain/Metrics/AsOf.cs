using System.Globalization;

namespace Journey.Domain.Metrics;

/// <summary>
/// The as-of rule of the daily job: for a date D, an event counts when its event time is up to
/// the end of D (UTC), that is before midnight at the start of D + 1.
/// </summary>
public readonly record struct AsOf(DateOnly Date)
{
    /// <summary>How commands, the API and documents write an as-of date.</summary>
    public const string Format = "yyyy-MM-dd";

    /// <summary>The first instant that no longer counts (D + 1, 00:00 UTC).</summary>
    public DateTimeOffset Cutoff => new(Date.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The day number of D (<see cref="DateOnly.DayNumber"/>).</summary>
    public int DayNumber => Date.DayNumber;

    /// <summary>Reads an as-of date written in <see cref="Format"/>.</summary>
    public static bool TryParse(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>The date in <see cref="Format"/>.</summary>
    public string Text => Date.ToString(Format, CultureInfo.InvariantCulture);

    public bool Includes(DateTimeOffset t) => t < Cutoff;

    /// <summary>The UTC day number of an instant.</summary>
    public static int DayOf(DateTimeOffset t) => DateOnly.FromDateTime(t.UtcDateTime).DayNumber;

    /// <summary>The day number of a yyyy-MM-dd day (as in <c>ActiveDays</c>), or -1 when it is not one.</summary>
    public static int ParseDay(string day)
    {
        if (day.Length != 10 || day[4] != '-' || day[7] != '-') return -1;
        var y = Digits(day, 0, 4);
        var m = Digits(day, 5, 2);
        var d = Digits(day, 8, 2);
        if (y < 1 || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m)) return -1;
        return new DateOnly(y, m, d).DayNumber;
    }

    private static int Digits(string s, int start, int count)
    {
        var value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = s[i];
            if (c is < '0' or > '9') return -1;
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
