using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Journey.Functions.Tests.Support;

/// <summary>
/// The command the Functions host runs for a custom handler, read from an app folder's host.json
/// the way the host reads it: <c>customHandler.description.defaultExecutablePath</c> is a file in
/// the app folder when such a file exists, else a program on the PATH; <c>arguments</c> follow it;
/// the process starts in <c>workingDirectory</c> (relative to the app folder), by default the app folder.
/// </summary>
public sealed record CustomHandlerCommand(string Executable, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    public static CustomHandlerCommand Read(string appFolder)
    {
        var hostJson = Path.Combine(appFolder, "host.json");
        var description = JsonNode.Parse(File.ReadAllText(hostJson))?["customHandler"]?["description"]
            ?? throw new InvalidOperationException($"{hostJson} has no customHandler.description.");
        var executable = description["defaultExecutablePath"]?.GetValue<string>();
        if (string.IsNullOrEmpty(executable)) throw new InvalidOperationException($"{hostJson} names no defaultExecutablePath.");
        var workingDirectory = description["workingDirectory"]?.GetValue<string>() is { Length: > 0 } folder ? Path.Combine(appFolder, folder) : appFolder;
        var arguments = description["arguments"]?.AsArray().Select(a => a?.GetValue<string>() ?? "").ToList() ?? [];
        var local = Path.Combine(appFolder, executable);
        return new CustomHandlerCommand(File.Exists(local) ? Path.GetFullPath(local) : executable, arguments, Path.GetFullPath(workingDirectory));
    }

    public ProcessStartInfo StartInfo()
    {
        var info = new ProcessStartInfo(Executable) { UseShellExecute = false, WorkingDirectory = WorkingDirectory };
        foreach (var argument in Arguments) info.ArgumentList.Add(argument);
        return info;
    }
}
