using System.Diagnostics;

namespace Journey.Functions.Tests.Support;

/// <summary>Runs a script of <c>tests/node</c> with Node and returns what it printed; fails the test when it exits non-zero.</summary>
public static class NodeScript
{
    public static async Task<string> RunAsync(string scriptName, params string[] arguments)
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "node", scriptName);
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(script)! };
        info.ArgumentList.Add(script);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var node = Process.Start(info)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(node.ExitCode == 0, $"node {scriptName} exited {node.ExitCode}: {await stdout} {await stderr}");
        return await stdout;
    }
}
