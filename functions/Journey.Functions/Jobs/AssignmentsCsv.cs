using System.Globalization;
using CsvHelper;
using Journey.Application.PainPoints;

namespace Journey.Functions.Jobs;

/// <summary>Writes the <c>--assignments</c> file: one row per negative text of the period with its pain point, for evaluation. Texts are the redacted ones.</summary>
public static class AssignmentsCsv
{
    public static async Task WriteAsync(string path, IReadOnlyList<TextAssignment> assignments, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        await using var csv = CsvWriter.ToFile(path, options: null, FileOptions.None);
        foreach (var header in new[] { "id", "time", "kind", "rating", "score", "stage", "product", "category", "cluster", "label", "title", "text" })
            csv.WriteField(header);
        csv.EndRecord();
        foreach (var a in assignments)
        {
            ct.ThrowIfCancellationRequested();
            var item = a.Item;
            csv.WriteField(item.Id);
            csv.WriteField(item.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            csv.WriteField(item.Kind);
            csv.WriteField(item.Rating?.ToString(CultureInfo.InvariantCulture) ?? "");
            csv.WriteField(item.Score?.ToString(CultureInfo.InvariantCulture) ?? "");
            csv.WriteField(item.Stage ?? "");
            csv.WriteField(item.ProductId ?? "");
            csv.WriteField(item.Category ?? "");
            csv.WriteField(a.Cluster.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(a.Label);
            csv.WriteField(item.Title ?? "");
            csv.WriteField(item.Text);
            csv.EndRecord();
        }
    }
}
