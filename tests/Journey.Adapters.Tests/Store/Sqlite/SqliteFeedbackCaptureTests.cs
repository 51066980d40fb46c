using Journey.Domain.Events;
using Journey.Domain.Feedback;
using Journey.Domain.Stages;
using Journey.Testing;
using Microsoft.Extensions.Time.Testing;
using static Journey.Testing.Events;

namespace Journey.Adapters.Tests.Store.Sqlite;

/// <summary>The processor's feedback capture through the real SQLite store, as local mode runs it.</summary>
public sealed class SqliteFeedbackCaptureTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly SqliteTestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Reviews_and_reasons_land_in_the_feedback_table_once_however_often_the_batch_is_delivered()
    {
        await using var store = _database.Open();
        var clock = new FakeTimeProvider(T0.AddDays(30));
        var batch = Records(
        [
            Track(EventNames.OrderCompleted, userId: "u1", at: T0, properties: new { order_id = "o1", revenue = 30 }, messageId: "o1"),
            Track(EventNames.ProductReviewed, userId: "u1", at: T0.AddDays(3), properties: new { product_id = "p1", review_body = "Zu klein — write to u1@example.com", rating = 1 }, messageId: "r1"),
            Track(FeedbackExtractor.ProductReturned, userId: "u1", at: T0.AddDays(4), properties: new { product_id = "p1", reason = "Too small" }, messageId: "x1"),
        ]);

        for (var delivery = 0; delivery < 3; delivery++)
            await Processors.Create(store, store, store, new JourneyRulesOptions(), clock, store).ProcessAsync(batch, Ct);

        var items = new List<FeedbackItem>();
        await foreach (var item in store.ListAsync(T0, T0.AddMonths(1), Ct)) items.Add(item);
        Assert.Equal(["r1:review_body", "x1:reason"], items.Select(i => i.Id));
        Assert.Equal("Zu klein — write to [email]", items[0].Text);
        Assert.All(items, i => Assert.Equal("Conversion", i.Stage));
        Assert.NotNull(await store.GetAsync("u1", Ct));
    }
}
