using Journey.Functions.Export;
using Journey.Functions.Hosting;

namespace Journey.Functions.Tests.Export;

/// <summary>The <c>export</c> command as a user runs it: bad arguments exit 2 with a message; an empty store gives files with headers only.</summary>
public sealed class ExportArgumentTests
{
    [Theory]
    [InlineData("export")]
    [InlineData("export", "--out", "x")]
    [InlineData("export", "--format", "xlsx", "--out", "x")]
    [InlineData("export", "--format", "csv")]
    [InlineData("export", "--format", "csv", "--out")]
    [InlineData("export", "--format", "csv", "--out", "x", "--what", "customers,orders")]
    [InlineData("export", "--format", "csv", "--out", "x", "--what")]
    [InlineData("export", "--format", "csv", "--out", "x", "--since", "2026-02-30")]
    [InlineData("export", "--format", "csv", "--out", "x", "--since")]
    [InlineData("export", "--format", "csv", "--out", "x", "--bogus")]
    public async Task Bad_arguments_exit_2_and_write_nothing(params string[] args)
    {
        var data = Path.Combine(Path.GetTempPath(), "journey-args-" + Guid.NewGuid().ToString("N"));
        var output = Path.Combine(data, "x");
        var arguments = args.Select(a => a == "x" ? output : a).ToArray();
        Assert.Equal(Commands.BadInput, await Commands.RunAsync(CommandLine.Parse([.. arguments, "--data", data])));
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("--format", "xlsx", "--out", "o", "--format needs one of: csv, parquet (not 'xlsx')")]
    [InlineData("--format", "csv", "--out", "o", "--what", "customers,orders", "--what: unknown dataset 'orders'; the datasets are: customers,transitions,metrics,rates,feedback,painpoints,actions")]
    [InlineData("--format", "csv", "--out", "o", "--since", "1 May", "--since '1 May' is not a date: use yyyy-MM-dd, e.g. --since 2026-11-01")]
    [InlineData("--out", "o", "--format is required; usage: export --format csv|parquet --out <folder> [--what customers,transitions,metrics,rates,feedback,painpoints,actions] [--since yyyy-MM-dd]")]
    public void The_message_says_what_is_wrong(params string[] argsAndMessage)
    {
        var ex = Assert.Throws<Journey.Functions.Jobs.JobArgumentException>(() => ExportArguments.Parse(argsAndMessage[..^1]));
        Assert.Equal(argsAndMessage[^1], ex.Message);
    }

    [Fact]
    public void What_keeps_the_datasets_in_their_order_once_each()
    {
        var arguments = ExportArguments.Parse(["--format=PARQUET", "--out=o", "--what", "actions, Customers,rates,actions"]);
        Assert.Equal(("parquet", "o", null), (arguments.Format, arguments.OutputDirectory, arguments.Since));
        Assert.Equal(["customers", "rates", "actions"], arguments.Datasets.Select(d => d.Name));
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("parquet")]
    public async Task An_empty_store_gives_every_file_with_its_header_and_no_row(string format)
    {
        var data = Path.Combine(Path.GetTempPath(), "journey-export-empty-" + Guid.NewGuid().ToString("N"));
        var output = Path.Combine(data, "out");
        try
        {
            Assert.Equal(Commands.Success, await Commands.RunAsync(CommandLine.Parse(["export", "--format", format, "--out", output, "--data", data])));
            Assert.Equal(ExportDatasets.All.Select(d => $"{d.Name}.{format}").Order(StringComparer.Ordinal), Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            foreach (var dataset in ExportDatasets.All)
            {
                var path = Path.Combine(output, $"{dataset.Name}.{format}");
                var table = format == "csv" ? await ExportFiles.ReadCsvAsync(path) : (await ExportFiles.ReadParquetAsync(path)).Table;
                Assert.Equal(dataset.Columns.Select(c => c.Name), table.Header);
                Assert.Empty(table.Rows);
            }
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }
}
