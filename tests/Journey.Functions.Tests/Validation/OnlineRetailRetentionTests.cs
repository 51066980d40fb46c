using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Journey.Functions.Hosting;
using Journey.Functions.Tests.Support;
using Journey.Testing;

namespace Journey.Functions.Tests.Validation;

/// <summary>
/// Retention cohorts end to end on real data: the UCI Online Retail invoice lines
/// (../shared/data/online_retail/online_retail_2010-12-01_2011-12-09.csv.gz) are imported, the
/// daily job runs as of 2011-12-09 (the last day of the data), and the monthly customer cohort
/// matrix that <c>journey metrics --matrix</c> prints must equal an independent calculation made
/// here straight from the file: a customer's cohort is the month of their first invoice (not a
/// <c>C</c> cancellation, and with a customer id), and cell k counts the cohort's customers with an
/// invoice in month cohort + k ("on") or in any month from cohort + k on ("on or after").
/// </summary>
public sealed class OnlineRetailRetentionTests
{
    private const string File = "online_retail/online_retail_2010-12-01_2011-12-09.csv.gz";

    [Fact]
    public async Task The_monthly_cohort_matrix_printed_by_the_metrics_command_equals_an_independent_calculation()
    {
        var path = SharedData.Require(File);
        var data = Path.Combine(Path.GetTempPath(), "journey-retail-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(Commands.Success, await Commands.RunAsync(CommandLine.Parse(["import", path, "--preset", "online-retail", "--data", data])));
            Assert.Equal(Commands.Success, await Commands.RunAsync(CommandLine.Parse(["daily", "--date", "2011-12-09", "--data", data])));
            var printed = await PrintMatrixAsync(data);

            var (on, onOrAfter) = Independent(path);

            Assert.Equal(13, on.Count); // 2010-12 … 2011-12
            Assert.Equal(Render(on), Block(printed, "customers by first order, monthly, mode on"));
            Assert.Equal(Render(onOrAfter), Block(printed, "customers by first order, monthly, mode onOrAfter"));
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // a leftover temp folder is harmless
            }
        }
    }

    /// <summary>The real command in its own process, as a user runs it.</summary>
    private static async Task<string> PrintMatrixAsync(string data)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { RepoPaths.AppDll, "metrics", "--matrix", "--date", "2011-12-09", "--data", data }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"metrics --matrix exited {process.ExitCode}: {await errors}");
        return await output;
    }

    /// <summary>The rows (cohort, size, counts) of one printed table, whitespace-normalised.</summary>
    private static List<string> Block(string printed, string title)
    {
        var lines = printed.Split('\n');
        var start = Array.IndexOf(lines, title);
        Assert.True(start >= 0, $"the output has no table '{title}':\n{printed}");
        return [.. lines.Skip(start + 2).TakeWhile(l => l.Length > 0).Select(Normalise)];
    }

    private static List<string> Render(SortedDictionary<string, long[]> matrix) =>
        [.. matrix.Select(row => Normalise($"{row.Key} {row.Value[0]} {string.Join(' ', row.Value)}"))];

    private static string Normalise(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The cohort matrices computed from the invoice lines alone.</summary>
    private static (SortedDictionary<string, long[]> On, SortedDictionary<string, long[]> OnOrAfter) Independent(string path)
    {
        var months = new Dictionary<string, SortedSet<int>>(StringComparer.Ordinal); // customer → month indexes with an invoice
        using (var reader = new StreamReader(new GZipStream(System.IO.File.OpenRead(path), CompressionMode.Decompress)))
        {
            var header = Fields(reader.ReadLine()!);
            int invoice = header.IndexOf("InvoiceNo"), date = header.IndexOf("InvoiceDate"), customer = header.IndexOf("CustomerID");
            while (reader.ReadLine() is { } line)
            {
                var f = Fields(line);
                if (f[invoice].StartsWith('C') || f[customer].Length == 0) continue;
                var at = DateTime.ParseExact(f[date], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                var id = f[customer].EndsWith(".0", StringComparison.Ordinal) ? f[customer][..^2] : f[customer];
                if (!months.TryGetValue(id, out var set)) months[id] = set = [];
                set.Add(at.Year * 12 + at.Month - 1);
            }
        }
        const int last = 2011 * 12 + 11; // 2011-12
        var on = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        var onOrAfter = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var set in months.Values)
        {
            var cohort = set.Min;
            var label = $"{cohort / 12:D4}-{cohort % 12 + 1:D2}";
            if (!on.TryGetValue(label, out var onRow))
            {
                on[label] = onRow = new long[last - cohort + 1];
                onOrAfter[label] = new long[last - cohort + 1];
            }
            foreach (var m in set) onRow[m - cohort]++;
            var afterRow = onOrAfter[label];
            for (var k = 0; k <= set.Max - cohort; k++) afterRow[k]++;
        }
        return (on, onOrAfter);
    }

    /// <summary>One CSV line's fields (quoted fields may hold commas and doubled quotes).</summary>
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
