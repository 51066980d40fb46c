using Journey.Testing;

namespace Journey.Domain.Tests.Clv;

/// <summary>The validation tests read public data sets from ../shared/data; one that is missing fails its test with a message saying which and where.</summary>
public sealed class SharedDataTests
{
    [Fact]
    public void A_missing_data_set_fails_the_test_naming_the_file_and_the_folder()
    {
        var error = Assert.ThrowsAny<Exception>(() => SharedData.Require("cdnow/no_such_file.csv"));

        Assert.Contains("cdnow/no_such_file.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains(SharedData.Folder, error.Message, StringComparison.Ordinal);
    }
}
