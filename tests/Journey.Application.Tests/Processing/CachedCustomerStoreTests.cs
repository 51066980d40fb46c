using Journey.Application.Tests.Support;
using Journey.Application.Processing;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Testing;

namespace Journey.Application.Tests.Processing;

public sealed class CachedCustomerStoreTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task DocumentItWrote_IsServedWithoutReadingTheStore_OncePerWrite()
    {
        var inner = new InMemoryJourneyStore();
        var cached = new CachedCustomerStore(inner);
        var etag = await cached.CreateAsync(new CustomerDocument { Id = "c" }, Ct);

        var first = await cached.GetAsync("c", Ct);
        var second = await cached.GetAsync("c", Ct);

        Assert.Equal(etag, first!.ETag);
        Assert.Equal(etag, second!.ETag);
        Assert.NotSame(first.Document, second.Document); // the second read came from the store: a document has one owner
        Assert.Equal((1L, 1L), (cached.Hits, cached.Misses));
    }

    [Fact]
    public async Task StaleCachedDocument_LosesTheETagRace_AndTheNextReadIsFresh()
    {
        var inner = new InMemoryJourneyStore();
        var cached = new CachedCustomerStore(inner);
        await cached.CreateAsync(new CustomerDocument { Id = "c", UserId = "mine" }, Ct);
        var other = await inner.GetAsync("c", Ct);
        other!.Document.UserId = "theirs";
        await inner.ReplaceAsync(other.Document, other.ETag, Ct); // another instance wrote meanwhile

        var stale = await cached.GetAsync("c", Ct);
        Assert.Equal("mine", stale!.Document.UserId);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => cached.ReplaceAsync(stale.Document, stale.ETag, Ct));

        var fresh = await cached.GetAsync("c", Ct);
        Assert.Equal("theirs", fresh!.Document.UserId);
    }

    [Fact]
    public async Task Capacity_BoundsTheCache()
    {
        var cached = new CachedCustomerStore(new InMemoryJourneyStore(), capacity: 10);
        for (var i = 0; i < 25; i++) await cached.CreateAsync(new CustomerDocument { Id = $"c{i}" }, Ct);
        var hits = 0;
        for (var i = 0; i < 25; i++)
        {
            var before = cached.Hits;
            await cached.GetAsync($"c{i}", Ct);
            hits += (int)(cached.Hits - before);
        }
        Assert.InRange(hits, 1, 10);
    }
}
