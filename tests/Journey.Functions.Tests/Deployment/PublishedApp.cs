using System.Diagnostics;
using System.Text.Json.Nodes;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Deployment;

/// <summary>
/// <c>dotnet publish</c> of the function app into a temporary folder, once per test class: the
/// folder azd zips and Flex Consumption runs. Published with <c>--no-build</c> from the build the
/// test run already made (this project references the app), so no second build races the tests
/// that start the built app.
/// </summary>
public sealed class PublishedApp : IDisposable
{
    public PublishedApp()
    {
        Folder = Path.Combine(Path.GetTempPath(), "journey-publish-" + Guid.NewGuid().ToString("N"));
        var project = Path.Combine(RepoPaths.Root, "functions", "Journey.Functions", "Journey.Functions.csproj");
        if (!File.Exists(RepoPaths.AppDll)) throw new InvalidOperationException($"Build the app first: {RepoPaths.AppDll} is missing.");

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in new[] { "publish", project, "-c", RepoPaths.Configuration, "-o", Folder, "--no-build", "--nologo" })
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet publish did not finish within 5 minutes.");
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
