using System.Globalization;

namespace Journey.Domain.Metrics;

/// <summary>Cohort periods: calendar months and ISO weeks (Monday to Sunday), as consecutive integers.</summary>
public enum PeriodKind
{
    Monthly,
    Weekly,
}

public static class Periods
{
    /// <summary>The period index of a day: consecutive months (year·12 + month − 1) or consecutive weeks starting Monday.</summary>
    public static int Of(PeriodKind kind, int dayNumber)
    {
        if (kind == PeriodKind.Weekly) return dayNumber / 7; // day 0 (0001-01-01) is a Monday
        var date = DateOnly.FromDayNumber(dayNumber);
        return date.Year * 12 + date.Month - 1;
    }

    /// <summary>The label of a period: yyyy-MM for months, the ISO week yyyy-Www for weeks.</summary>
    public static string Label(PeriodKind kind, int period)
    {
        if (kind == PeriodKind.Monthly) return $"{period / 12:D4}-{period % 12 + 1:D2}";
        var monday = DateOnly.FromDayNumber(period * 7).ToDateTime(TimeOnly.MinValue);
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(monday):D4}-W{ISOWeek.GetWeekOfYear(monday):D2}");
    }

    public static string Name(PeriodKind kind) => kind == PeriodKind.Monthly ? "monthly" : "weekly";
}
