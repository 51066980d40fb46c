namespace Journey.Testing;

/// <summary>
/// The public data sets the validation tests read (<c>../shared/data</c> beside the folder that holds
/// Journey.Functions.sln). They are not in the repository: a test that needs one says which file and
/// where it looked, and whether the whole folder is missing.
/// </summary>
public static class SharedData
{
    /// <summary>The shared data folder.</summary>
    public static string Folder
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Journey.Functions.sln"))) root = root.Parent;
            return Path.GetFullPath(Path.Combine(root?.FullName ?? ".", "..", "shared", "data"));
        }
    }

    /// <summary>The full path of <paramref name="relativePath"/> in the shared data folder; fails the test, naming it, when it is missing.</summary>
    public static string Require(string relativePath)
    {
        var folder = Folder;
        var path = Path.GetFullPath(Path.Combine(folder, relativePath));
        if (File.Exists(path)) return path;
        Assert.Fail(Directory.Exists(folder)
            ? $"This test reads the public data set {relativePath}, which is not in {folder}."
            : $"This test reads the public data set {relativePath} from {folder}, and that folder is missing: the data sets are not in the repository; put the shared data folder beside it (../shared/data).");
        return path;
    }
}
