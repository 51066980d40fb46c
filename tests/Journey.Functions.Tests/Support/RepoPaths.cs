namespace Journey.Functions.Tests.Support;

/// <summary>Finds the repository root (the folder holding Journey.Functions.sln) and the shared data beside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();


    /// <summary>The build configuration the tests run in (Debug or Release), from this assembly's path.</summary>
    public static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The built app's dll, for tests that start it as a separate process.</summary>
    public static string AppDll => Path.Combine(Root, "functions", "Journey.Functions", "bin", Configuration, "net10.0", "Journey.Functions.dll");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Journey.Functions.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"No Journey.Functions.sln above {AppContext.BaseDirectory}.");
    }
}
