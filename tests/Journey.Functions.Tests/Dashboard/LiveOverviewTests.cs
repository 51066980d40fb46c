using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Functions.Dashboard;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Journey.Functions.Tests.Dashboard;

public sealed class LiveOverviewTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private int _scans;
    private TimeSpan _scanTakes = TimeSpan.FromSeconds(1);

    private LiveOverview Create()
    {
        var customers = new Mock<ICustomerStore>();
        customers.Setup(s => s.ScanProjectionsAsync(It.IsAny<CancellationToken>())).Returns(() => Scan());
        var deadLetters = new Mock<IDeadLetterStore>();
        deadLetters.Setup(s => s.ListAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        return new LiveOverview(customers.Object, deadLetters.Object, _clock);
    }

    private async IAsyncEnumerable<CustomerDocument> Scan()
    {
        Interlocked.Increment(ref _scans);
        await Task.Yield();
        _clock.Advance(_scanTakes);
        yield return new CustomerDocument { Id = "u1", Acquisition = new Acquisition { Channel = "email" }, Orders = new OrderStats { Count = 2, Revenue = 50 } };
        yield return new CustomerDocument { Id = "a2", Acquisition = new Acquisition { Channel = "email" } };
        yield return new CustomerDocument { Id = "a3", MergedInto = "u1" }; // a redirect is not a customer
    }

    [Fact]
    public async Task TheCounts_AreReusedForTenTimesTheScan_ThenScannedAgain()
    {
        using var overview = Create();
        var first = await overview.GetAsync(CancellationToken.None);
        Assert.Equal((2L, 2L, 50m, 1.0), (first.Customers, first.Orders, first.Revenue, first.Seconds));
        Assert.Equal((2L, 1L), (first.Channels["email"].Customers, first.Channels["email"].Buyers));

        _clock.Advance(TimeSpan.FromSeconds(9)); // 10 × the 1 s scan from its end
        Assert.Same(first, await overview.GetAsync(CancellationToken.None));
        Assert.Equal(1, _scans);

        _clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.NotSame(first, await overview.GetAsync(CancellationToken.None));
        Assert.Equal(2, _scans);
    }

    [Fact]
    public async Task AQuickScan_IsReusedForTheMinimumAge_AndConcurrentCallersShareOneScan()
    {
        _scanTakes = TimeSpan.Zero;
        using var overview = Create();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => overview.GetAsync(CancellationToken.None)));
        Assert.Equal(1, _scans);
        Assert.All(results, r => Assert.Same(results[0], r));

        _clock.Advance(LiveOverview.MinimumAge - TimeSpan.FromMilliseconds(1));
        await overview.GetAsync(CancellationToken.None);
        Assert.Equal(1, _scans);
        _clock.Advance(TimeSpan.FromMilliseconds(2));
        await overview.GetAsync(CancellationToken.None);
        Assert.Equal(2, _scans);
    }
}
