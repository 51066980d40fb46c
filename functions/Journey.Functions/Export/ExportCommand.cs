using System.Diagnostics;

namespace Journey.Functions.Export;

/// <summary>How one dataset's file came out.</summary>
public sealed record ExportedFile(string Dataset, string Path, long Rows, double Seconds);

/// <summary>
/// Writes each chosen dataset to <c>{out}/{dataset}.{csv|parquet}</c>, streaming its rows from the store
/// into the file: memory holds a page of documents (and a Parquet row group), whatever the store's
/// size. A file is written under a temporary name and renamed once complete, so a failed or cancelled
/// export leaves no partial file in place of a good one.
/// </summary>
public sealed class ExportCommand(ExportSources sources, TextWriter progress)
{
    public async Task<IReadOnlyList<ExportedFile>> RunAsync(ExportArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        Directory.CreateDirectory(arguments.OutputDirectory);
        var files = new List<ExportedFile>(arguments.Datasets.Count);
        foreach (var dataset in arguments.Datasets)
        {
            var file = await ExportAsync(dataset, arguments, cancellationToken);
            await progress.WriteLineAsync($"  {file.Dataset}: {file.Rows:N0} rows → {file.Path} ({file.Seconds:N1} s)");
            files.Add(file);
        }
        return files;
    }

    private async Task<ExportedFile> ExportAsync(IExportDataset dataset, ExportArguments arguments, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var path = Path.Combine(arguments.OutputDirectory, $"{dataset.Name}.{arguments.Format}");
        var temporary = path + ".partial";
        long rows = 0;
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, useAsync: true))
            {
                await using var writer = await ExportFormats.CreateAsync(arguments.Format, stream, dataset.Columns, cancellationToken);
                await foreach (var row in dataset.RowsAsync(sources, arguments.Since, cancellationToken).WithCancellation(cancellationToken))
                {
                    await writer.WriteRowAsync(row, cancellationToken);
                    rows++;
                }
                await writer.CompleteAsync(cancellationToken);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        return new ExportedFile(dataset.Name, path, rows, watch.Elapsed.TotalSeconds);
    }
}
