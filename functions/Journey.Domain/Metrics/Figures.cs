using System.Numerics;
using System.Runtime.InteropServices;

namespace Journey.Domain.Metrics;

/// <summary>Small statistics and the rounding every metrics figure goes through (so reruns compare equal).</summary>
public static class Figures
{
    /// <summary>A percentage with two decimals, or null when there is no denominator.</summary>
    public static double? Percent(double part, double whole) => whole <= 0 ? null : Math.Round(100.0 * part / whole, 2);

    /// <summary>A percentage with two decimals, 0 when there is no denominator.</summary>
    public static double PercentOrZero(double part, double whole) => whole <= 0 ? 0 : Math.Round(100.0 * part / whole, 2);

    public static double? Ratio(double part, double whole, int digits = 2) => whole <= 0 ? null : Math.Round(part / whole, digits);

    public static double Round(double value, int digits = 2) => double.IsFinite(value) ? Math.Round(value, digits) : 0;

    /// <summary>The median of the values (sorts them in place), or null when there are none.</summary>
    public static double? Median<T>(List<T> values)
        where T : INumber<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return null;
        var sorted = CollectionsMarshal.AsSpan(values);
        sorted.Sort();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? double.CreateChecked(sorted[mid]) : (double.CreateChecked(sorted[mid - 1]) + double.CreateChecked(sorted[mid])) / 2;
    }

    /// <summary>The median of sorted values.</summary>
    public static double MedianOfSorted(ReadOnlySpan<double> sorted)
    {
        if (sorted.Length == 0) return 0;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
