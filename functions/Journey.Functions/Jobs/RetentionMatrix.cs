using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Journey.Functions.Jobs;

/// <summary>
/// The retention document's overall cohort tables as text (<c>metrics --kind retention --matrix</c>):
/// one block per basis, period and mode; a row per cohort with its size and the count of period k.
/// </summary>
public static class RetentionMatrix
{
    public static string Format(JsonElement retentionData, bool percentages)
    {
        var text = new StringBuilder();
        foreach (var table in retentionData.GetProperty("tables").EnumerateArray())
        {
            if (table.GetProperty("split").GetString() != "all") continue;
            var cohorts = table.GetProperty("cohorts");
            var width = 0;
            foreach (var cohort in cohorts.EnumerateArray()) width = Math.Max(width, cohort.GetProperty("counts").GetArrayLength());
            text.Append(CultureInfo.InvariantCulture,
                $"{table.GetProperty("basis").GetString()} by {(table.GetProperty("basis").GetString() == "customers" ? "first order" : "first visit")}, {table.GetProperty("period").GetString()}, mode {table.GetProperty("mode").GetString()}{(percentages ? " (% of the cohort)" : "")}\n");
            text.Append("cohort    size");
            for (var k = 0; k < width; k++) text.Append(CultureInfo.InvariantCulture, $" {"+" + k,7}");
            text.Append('\n');
            foreach (var cohort in cohorts.EnumerateArray())
            {
                text.Append(CultureInfo.InvariantCulture, $"{cohort.GetProperty("cohort").GetString(),-8} {cohort.GetProperty("size").GetInt64(),5}");
                foreach (var cell in cohort.GetProperty(percentages ? "percentages" : "counts").EnumerateArray())
                    text.Append(CultureInfo.InvariantCulture, $" {cell.GetDouble(),7:0.##}");
                text.Append('\n');
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
