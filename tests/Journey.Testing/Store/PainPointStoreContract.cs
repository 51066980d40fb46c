using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing.Store;

/// <summary>
/// What every <see cref="IPainPointStore"/> adapter must do. Periods are unique per test (the period is
/// Cosmos DB's partition key), and the one test of <see cref="IPainPointStore.LatestAsync"/> on a shared
/// store generates its documents centuries after any other test's, so the store may be shared.
/// </summary>
public abstract class PainPointStoreContract : IAsyncLifetime
{
    private IPainPointStore? _store;

    protected IPainPointStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected abstract Task<IPainPointStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>A period no other test uses: 30 days from a random day of the years 2000-2899.</summary>
    public static string NewPeriod()
    {
        var since = new DateOnly(2000, 1, 1).AddDays(Random.Shared.Next(900 * 365));
        return PainPointDocument.PeriodOf(since, since.AddDays(29));
    }

    /// <summary>A document with every property set.</summary>
    public static PainPointDocument Document(string period, int rank, DateTimeOffset? generatedAt = null, string label = "sizing runs small", bool isOther = false) => new()
    {
        Id = $"{period}:{rank}",
        Type = "painpoint",
        Period = period,
        Since = period[..10],
        Until = period[12..],
        Rank = rank,
        IsOther = isOther,
        Label = label,
        Summary = "Customers find the dresses a size too small — zu klein.",
        SuggestedFix = "Add a fit note and a size chart to the product page.",
        KeyPhrases = ["too small", "size up", "runs small"],
        Texts = 42,
        Customers = 37,
        Share = 0.2625,
        AverageRating = 1.75,
        Stages = new Dictionary<string, int>(StringComparer.Ordinal) { ["Conversion"] = 30, ["Retention"] = 12 },
        Kinds = new Dictionary<string, int>(StringComparer.Ordinal) { ["review"] = 40, ["return"] = 2 },
        Products = [new NamedCount("1078", 9), new NamedCount("862", 4)],
        Categories = [new NamedCount("Dresses", 30)],
        Channels = new Dictionary<string, int>(StringComparer.Ordinal) { ["organic_search"] = 20, ["email"] = 22 },
        RevenueAtRisk = 4321.5,
        CustomersWithPrediction = 30,
        Quotes = ["I ordered my usual size and it was way too tight.", "Runs small, size up. [email]"],
        Trend = "growing",
        PreviousTexts = 20,
        PreviousShare = 0.125,
        Method = "minilm",
        GeneratedAt = generatedAt ?? StoreTestData.T0,
    };

    [Fact]
    public async Task ReplacePeriod_then_List_returns_every_field_ordered_by_rank()
    {
        var period = NewPeriod();
        var documents = new[] { Document(period, 3, label: "other", isOther: true), Document(period, 1), Document(period, 2, label: "late delivery") };
        StoreTestData.AssertEveryPropertySet(documents[0]);

        await Store.ReplacePeriodAsync(period, documents, Ct);

        var listed = await Store.ListAsync(period, Ct);
        Assert.Equal([1, 2, 3], listed.Select(d => d.Rank));
        Assert.Equal(documents.OrderBy(d => d.Rank).Select(JourneyJson.Serialize), listed.Select(JourneyJson.Serialize));
    }

    [Fact]
    public async Task ReplacePeriod_again_deletes_the_documents_not_among_the_new_ones_and_leaves_other_periods()
    {
        var (period, other) = (NewPeriod(), NewPeriod());
        await Store.ReplacePeriodAsync(period, [Document(period, 1), Document(period, 2), Document(period, 3)], Ct);
        await Store.ReplacePeriodAsync(other, [Document(other, 1)], Ct);

        await Store.ReplacePeriodAsync(period, [Document(period, 1, label: "new label"), Document(period, 2, label: "second")], Ct);

        var listed = await Store.ListAsync(period, Ct);
        Assert.Equal(["new label", "second"], listed.Select(d => d.Label));
        Assert.Single(await Store.ListAsync(other, Ct));

        await Store.ReplacePeriodAsync(period, [], Ct);
        Assert.Empty(await Store.ListAsync(period, Ct));
        Assert.Single(await Store.ListAsync(other, Ct));
    }

    [Fact]
    public async Task List_of_a_period_without_documents_is_empty()
    {
        Assert.Empty(await Store.ListAsync(NewPeriod(), Ct));
    }

    [Fact]
    public async Task ReplacePeriod_refuses_a_document_of_another_period_and_stores_nothing()
    {
        var (period, other) = (NewPeriod(), NewPeriod());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReplacePeriodAsync(period, [Document(period, 1), Document(other, 2)], Ct));
        Assert.Empty(await Store.ListAsync(period, Ct));
    }

    [Fact]
    public async Task Latest_returns_the_documents_of_the_period_generated_last()
    {
        // Centuries after any other test's documents; compared as instants (the later one is written with an earlier clock reading).
        var generated = new DateTimeOffset(2950, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var (first, second) = (NewPeriod(), NewPeriod());
        await Store.ReplacePeriodAsync(second, [Document(second, 2, generated.AddMinutes(1).ToOffset(TimeSpan.FromHours(-8))), Document(second, 1, generated.AddMinutes(1).ToOffset(TimeSpan.FromHours(-8)))], Ct);
        await Store.ReplacePeriodAsync(first, [Document(first, 1, generated.ToOffset(TimeSpan.FromHours(9)))], Ct);

        var latest = await Store.LatestAsync(Ct);

        Assert.Equal([$"{second}:1", $"{second}:2"], latest.Select(d => d.Id));
    }
}
