using System.Diagnostics;
using System.Text.Json.Nodes;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Deployment;

/// <summary>
/// <c>dotnet publish</c> of the function app into a temporary folder, once per test run: the
/// command azd runs, so the folder azd zips and Flex Consumption runs (a self-contained,
/// precompiled linux-x64 app; the project sets that for publish). The publish builds its own
/// linux-x64 output beside the portable build the other tests start, and leaves that build alone.
/// </summary>
public sealed class PublishedApp : IDisposable
{
    public PublishedApp()
    {
        Folder = Path.Combine(Path.GetTempPath(), "journey-publish-" + Guid.NewGuid().ToString("N"));
        var project = Path.Combine(RepoPaths.Root, "functions", "Journey.Functions", "Journey.Functions.csproj");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in new[] { "publish", project, "-c", RepoPaths.Configuration, "-o", Folder, "--nologo", "-v", "quiet" })
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet publish did not finish within 10 minutes.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish exited with {process.ExitCode}:\n{output.Result}\n{error.Result}");
    }

    /// <summary>The publish output folder.</summary>
    public string Folder { get; }

    public string PathOf(params string[] parts) => Path.Combine([Folder, .. parts]);

    public JsonObject ReadJson(params string[] parts) =>
        JsonNode.Parse(File.ReadAllText(PathOf(parts)))?.AsObject() ?? throw new InvalidOperationException($"{Path.Combine(parts)} is not a JSON object.");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The tests that read or run the published app share one publish.</summary>
[CollectionDefinition(Name)]
public sealed class PublishedAppCollection : ICollectionFixture<PublishedApp>
{
    public const string Name = "Published app";
}
