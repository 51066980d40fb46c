namespace Journey.Testing;

/// <summary>The shared data sets (<c>../shared/data</c> beside the folder that holds Journey.Functions.sln); a test that needs one fails with its path when it is absent.</summary>
public static class SharedData
{
    public static string Require(string relativePath)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Journey.Functions.sln"))) root = root.Parent;
        var path = Path.GetFullPath(Path.Combine(root?.FullName ?? ".", "..", "shared", "data", relativePath));
        Assert.True(File.Exists(path), $"This test needs the shared data file {path} (../shared/data beside the repository).");
        return path;
    }
}
