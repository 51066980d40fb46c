using Journey.Adapters.Stream.Embedded;
using Microsoft.Extensions.Options;

namespace Journey.Adapters.Tests.Stream;

public sealed class CheckpointStoreTests : IDisposable
{
    private readonly TempDataFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private CheckpointStore NewStore() => new(Options.Create(_folder.Options()));

    [Fact]
    public async Task Commit_PersistsPerGroupAndPartitionAcrossReopen()
    {
        var store = NewStore();
        await store.CommitAsync("journey", "0", 120, CancellationToken.None);
        await store.CommitAsync("journey", "3", 7, CancellationToken.None);
        await store.CommitAsync("journey", "0", 121, CancellationToken.None);
        await store.CommitAsync("replay", "1", 5, CancellationToken.None);

        var reopened = NewStore();
        Assert.Equal(new Dictionary<string, long> { ["0"] = 121, ["3"] = 7 }, reopened.Get("journey"));
        Assert.Equal(121, reopened.GetPosition("journey", "0"));
        Assert.Equal(0, reopened.GetPosition("journey", "1"));
        Assert.Equal(5, reopened.GetPosition("replay", "1"));
        Assert.Equal(["journey", "replay"], reopened.ListConsumerGroups());
    }

    [Fact]
    public async Task Commit_WritesTheDocumentedFileAndLeavesNoTemporaryFile()
    {
        var store = NewStore();
        await store.CommitAsync("journey", new Dictionary<string, long> { ["1"] = 2, ["0"] = 40 }, CancellationToken.None);

        var path = Path.Combine(_folder.Path, "stream", "checkpoints", "journey.json");
        Assert.Equal(path, store.PathOf("journey"));
        Assert.Equal("""{"consumerGroup":"journey","partitions":{"0":40,"1":2}}""", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(store.Directory));
    }

    [Fact]
    public async Task ConcurrentCommits_AllLand()
    {
        var store = NewStore();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(p => Task.Run(async () =>
        {
            for (var i = 1; i <= 50; i++)
                await store.CommitAsync("journey", p.ToString(System.Globalization.CultureInfo.InvariantCulture), i * 10, CancellationToken.None);
        })));

        var reopened = NewStore().Get("journey");
        Assert.Equal(8, reopened.Count);
        Assert.All(reopened.Values, v => Assert.Equal(500, v));
    }

    [Fact]
    public void Get_OfAGroupWithoutFile_IsEmpty() => Assert.Empty(NewStore().Get("nobody"));

    [Fact]
    public void Get_OfACorruptFile_NamesTheFile()
    {
        var store = NewStore();
        File.WriteAllText(store.PathOf("journey"), "{ not json");
        var error = Assert.Throws<InvalidDataException>(() => NewStore().Get("journey"));
        Assert.Contains("journey.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void PathOf_RejectsNamesThatAreNotPlainFileNames(string group) =>
        Assert.Throws<ArgumentException>(() => NewStore().PathOf(group));

    [Fact]
    public void DirectoryFlush_WorksOnLinux()
    {
        // New segment files and renamed checkpoints are only durable once their directory is flushed.
        if (OperatingSystem.IsLinux()) Assert.True(DurableFile.TryFlushDirectory(_folder.Path));
    }
}
