using Journey.Domain.Collection;

namespace Journey.Domain.Tests.Collection;

public class MessageIdsTests
{
    [Fact]
    public void New_ids_are_the_prefix_and_32_lowercase_hex_digits_and_never_repeat()
    {
        // 2,000 ids cross several refills of the per-thread random buffer (256 ids each).
        var ids = Enumerable.Range(0, 2_000).Select(_ => MessageIds.New()).ToList();

        Assert.All(ids, id => Assert.Matches("^journey-[0-9a-f]{32}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void New_ids_from_parallel_threads_never_repeat()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 1_000; i++) ids.Add(MessageIds.New());
        });

        Assert.Equal(8_000, ids.Distinct().Count());
    }

    [Fact]
    public void Ids_from_content_are_stable_and_differ_by_content()
    {
        var a = MessageIds.FromContent("""{"event":"a"}"""u8);

        Assert.Equal(a, MessageIds.FromContent("""{"event":"a"}"""u8));
        Assert.NotEqual(a, MessageIds.FromContent("""{"event":"b"}"""u8));
        Assert.Matches("^journey-[0-9a-f]{32}$", a);
    }
}
