using Journey.Adapters.Stream.Embedded;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Adapters.Tests.Stream;

public sealed class EmbeddedStreamOptionsTests
{
    [Fact]
    public void Defaults_AreValidOnceTheDataDirectoryIsSet()
    {
        var options = new EmbeddedStreamOptions { DataDirectory = "data" };
        Assert.Empty(options.Validate());
        Assert.Equal(4, options.Partitions);
        Assert.Equal(64L * 1024 * 1024, options.SegmentBytes);
        Assert.Equal(100, options.BatchSize);
        Assert.Equal(TimeSpan.FromDays(7), options.Retention);
        Assert.Equal("journey", options.ConsumerGroup);
        Assert.Equal(Path.Combine(Path.GetFullPath("data"), "stream"), options.StreamDirectory);
        Assert.Equal(Path.Combine(Path.GetFullPath("data"), "stream", "checkpoints"), options.CheckpointDirectory);
    }

    [Fact]
    public void Validate_NamesEveryBadSetting()
    {
        var options = new EmbeddedStreamOptions
        {
            DataDirectory = " ",
            Partitions = 0,
            SegmentBytes = 10,
            JournalBytes = 1000,
            BatchSize = 0,
            Retention = TimeSpan.Zero,
            ConsumerGroup = "../x",
            RetryDelay = TimeSpan.FromSeconds(2),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
        };

        var problems = options.Validate();

        Assert.Equal(
            [
                "Stream:DataDirectory is required (the folder that holds the local data).",
                "Stream:Partitions must be between 1 and 256 (was 0).",
                "Stream:SegmentBytes must be between 1024 and 1 TiB (was 10).",
                "Stream:JournalBytes must be between 64 KiB and 1 TiB (was 1000).",
                "Stream:BatchSize must be between 1 and 100000 (was 0).",
                "Stream:Retention must be positive (was 00:00:00).",
                "Stream:ConsumerGroup must be 1-64 letters, digits, '.', '_' or '-' (was '../x').",
                "Stream:MaxRetryDelay (00:00:01) must not be less than RetryDelay (00:00:02).",
            ],
            problems);
        Assert.NotEmpty(options.Validate());
    }

    [Fact]
    public void OpeningTheLog_WithBadOptions_Throws()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new EmbeddedEventLog(Options.Create(new EmbeddedStreamOptions()), new FakeTimeProvider()));
        Assert.Contains("Stream:DataDirectory is required", error.Message, StringComparison.Ordinal);
    }
}
