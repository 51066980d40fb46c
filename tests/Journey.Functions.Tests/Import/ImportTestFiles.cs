using System.IO.Compression;
using System.Text;
using Journey.Domain.Events;
using Journey.Functions.Import;

namespace Journey.Functions.Tests.Import;

/// <summary>A temporary folder for the files a test imports, deleted afterwards.</summary>
public sealed class ImportTestFiles : IDisposable
{
    public ImportTestFiles() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "journey-import-tests", Guid.NewGuid().ToString("N"));

    public string Write(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    public string WriteGzip(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(content));
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

/// <summary>Runs an import against a recording stream.</summary>
public static class ImportRun
{
    public static async Task<(ImportSummary Summary, IReadOnlyList<JourneyEvent> Events, string Output)> RunAsync(
        params string[] args)
    {
        var stream = new RecordingEventStream();
        var output = new StringWriter();
        var summary = await new ImportCommand(stream, new FixedClock(), output).RunAsync(ImportArguments.Parse(args), CancellationToken.None);
        return (summary, stream.Events, output.ToString());
    }
}

/// <summary>Locates the shared data sets (<c>../shared/data</c> beside the folder that holds Journey.Functions.sln).</summary>
public static class SharedDataFile
{
    public static string? RepoRoot { get; } = FindRoot();

    public static string PathOf(string relative) =>
        Path.GetFullPath(Path.Combine(RepoRoot ?? ".", "..", "shared", "data", relative));

    private static string? FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Journey.Functions.sln"))) dir = dir.Parent;
        return dir?.FullName;
    }
}

/// <summary>A fact that needs a file of the shared data sets, skipped with a message naming it when the file is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string relativePath)
    {
        if (!File.Exists(SharedDataFile.PathOf(relativePath)))
            Skip = $"needs the shared data file ../shared/data/{relativePath} (beside the repository root); it is not there: {SharedDataFile.PathOf(relativePath)}";
    }
}
