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
        var summary = await new ImportCommand(stream, ImportClock.Create(), output).RunAsync(ImportArguments.Parse(args), CancellationToken.None);
        return (summary, stream.Events, output.ToString());
    }
}
