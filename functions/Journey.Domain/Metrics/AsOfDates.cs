using System.Globalization;

namespace Journey.Domain.Metrics;

/// <summary>The as-of dates of the daily job and its documents: <c>yyyy-MM-dd</c>, UTC days.</summary>
public static class AsOfDates
{
    public const string Format = "yyyy-MM-dd";

    public static bool TryParse(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static string ToText(DateOnly date) => date.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>The last instant that counts for an as-of date: the end of that UTC day.</summary>
    public static DateTimeOffset EndOf(DateOnly date) => new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(1).AddTicks(-1);
}
