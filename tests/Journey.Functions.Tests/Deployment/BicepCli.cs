using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Deployment;

/// <summary>
/// The Bicep CLI of the Azure.Bicep.CommandLine.linux-x64 package, which the test project
/// downloads at restore (a PackageDownload: its <c>tools/bicep</c> is a self-contained executable)
/// and whose path the build writes into this assembly's metadata (<c>BicepCli</c>). Runs offline:
/// infra/ uses no registry modules.
/// </summary>
public static partial class BicepCli
{
    private static readonly Lazy<string> Executable = new(FindExecutable, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Where the build says the package's executable is.</summary>
    public static string PathFromBuild =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "BicepCli")?.Value
        ?? throw new InvalidOperationException("This test assembly has no BicepCli metadata: the test project's csproj records the Bicep CLI's path at build time.");

    /// <summary>Runs <c>bicep</c> with <paramref name="arguments"/> in the repository root.</summary>
    public static async Task<BicepRun> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(Executable.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{Executable.Value} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within 2 minutes.");
        }
        return new BicepRun("bicep " + string.Join(' ', arguments), process.ExitCode, await output, await error);
    }

    private static string FindExecutable()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
            throw new PlatformNotSupportedException($"The Bicep CLI these tests download is the linux-x64 build; this machine is {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}.");

        var path = PathFromBuild;
        if (!File.Exists(path))
            throw new FileNotFoundException($"No Bicep CLI at {path}: restore tests/Journey.Functions.Tests (dotnet restore) so that NuGet downloads Azure.Bicep.CommandLine.linux-x64.", path);

        // A package's files may be extracted without the execute bit: set it, or run a copy that has it
        // when the packages folder is read-only.
        var mode = File.GetUnixFileMode(path);
        if (mode.HasFlag(UnixFileMode.UserExecute)) return path;
        try
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            return path;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            var copy = Path.Combine(Path.GetTempPath(), "journey-bicep-" + Guid.NewGuid().ToString("N"), "bicep");
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(path, copy);
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return copy;
        }
    }

    /// <summary>A diagnostic line of the default format: <c>file(line,column) : Level CODE: message</c>.</summary>
    [GeneratedRegex(@"^(?<file>.+)\((?<line>\d+),(?<column>\d+)\) : (?<level>Error|Warning|Info) (?<code>[^:]+): (?<message>.*)$", RegexOptions.Multiline)]
    internal static partial Regex DiagnosticLine();
}

/// <summary>One run of the Bicep CLI: what it was asked, its exit code and what it printed.</summary>
public sealed record BicepRun(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The errors and warnings it reported (diagnostics go to standard error).</summary>
    public IReadOnlyList<string> ErrorsAndWarnings =>
        BicepCli.DiagnosticLine().Matches(StandardError)
            .Where(m => m.Groups["level"].Value is "Error" or "Warning")
            .Select(m => m.Value.TrimEnd('\r'))
            .ToArray();

    /// <summary>What a failing test shows: the command, its exit code and the compiler's own words.</summary>
    public string Report(bool withStandardOutput) =>
        $"{Command} exited with {ExitCode} and reported {ErrorsAndWarnings.Count} error(s) or warning(s).\n--- standard error ---\n{StandardError}"
        + (withStandardOutput ? $"\n--- standard output ---\n{StandardOutput}" : "");
}
