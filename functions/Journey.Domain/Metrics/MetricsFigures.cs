using System.Text.Json;

namespace Journey.Domain.Metrics;

/// <summary>
/// Decides whether two metrics documents hold the same figures: the JSON trees are compared by
/// value (numbers numerically, objects regardless of property order), leaving out the properties
/// that describe the run rather than the data (<see cref="RunProperties"/>, such as the CLV fit time).
/// </summary>
public static class MetricsFigures
{
    public static readonly IReadOnlySet<string> RunProperties = new HashSet<string>(StringComparer.Ordinal) { "fitSeconds" };

    public static bool Same(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind) return false;
        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var left = Properties(a);
                var right = Properties(b);
                if (left.Count != right.Count) return false;
                foreach (var (name, value) in left)
                {
                    if (!right.TryGetValue(name, out var other) || !Same(value, other)) return false;
                }
                return true;
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength()) return false;
                using (var x = a.EnumerateArray().GetEnumerator())
                using (var y = b.EnumerateArray().GetEnumerator())
                {
                    while (x.MoveNext() && y.MoveNext())
                    {
                        if (!Same(x.Current, y.Current)) return false;
                    }
                }
                return true;
            case JsonValueKind.Number:
                return a.TryGetDecimal(out var da) && b.TryGetDecimal(out var db) ? da == db : a.GetDouble().Equals(b.GetDouble());
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            default:
                return true; // true, false, null, undefined: the kinds already matched
        }
    }

    private static Dictionary<string, JsonElement> Properties(JsonElement o)
    {
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in o.EnumerateObject())
        {
            if (!RunProperties.Contains(p.Name) && p.Value.ValueKind != JsonValueKind.Null) map[p.Name] = p.Value;
        }
        return map;
    }
}
