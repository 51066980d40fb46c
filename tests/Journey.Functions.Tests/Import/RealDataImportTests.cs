using Journey.Domain.Events;
using Journey.Functions.Import;
using Journey.Functions.Tests.Support;
using Journey.Testing;

namespace Journey.Functions.Tests.Import;

/// <summary>Imports the real Taobao sample of the shared data sets (not part of the repository).</summary>
public sealed class RealDataImportTests
{
    private const string TaobaoFile = "clickstream/taobao_userbehavior_first814users.csv";

    // Counted with: tail -n +2 taobao_userbehavior_first814users.csv | awk -F, '{c[$4]++} END {for (k in c) print k, c[k]}'
    private const long Rows = 84_287;
    private const long PageViews = 75_693; // pv
    private const long Carts = 4_494;      // cart
    private const long Favourites = 2_351; // fav
    private const long Purchases = 1_749;  // buy

    [Fact]
    public async Task Taobao_First814Users_AllRowsBecomeEvents()
    {
        var path = SharedData.Require(TaobaoFile);
        var stream = new RecordingEventStream();
        var summary = await new ImportCommand(stream, ImportClock.Create(), TextWriter.Null)
            .RunAsync(ImportArguments.Parse([path, "--preset", "taobao"]), CancellationToken.None);

        Assert.Equal(Rows, summary.RowsRead);
        Assert.Equal(Rows, summary.EventsSent);
        Assert.Equal(0, summary.RowsRejected);
        Assert.Equal(
            new Dictionary<string, long>
            {
                [EventNames.ProductViewed] = PageViews,
                [EventNames.ProductAdded] = Carts,
                [EventNames.ProductAddedToWishlist] = Favourites,
                [EventNames.OrderCompleted] = Purchases,
            },
            summary.EventsByName);
        var events = stream.Events;
        Assert.Equal(Rows, events.Count);
        Assert.Equal(Purchases, events.Count(e => e.Event == EventNames.OrderCompleted));
        Assert.Equal(Rows, events.Select(e => e.MessageId).Distinct().LongCount());
        Assert.Equal(814, events.Select(e => e.UserId).Distinct().Count());
    }
}
