using System.Text.Json;
using Journey.Application.Actions;
using Journey.Application.Processing;
using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Stages;
using Journey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Application.Tests.Actions;

/// <summary>The release check reads the customer as stored now, by the action's id, merges followed: consent and address of now.</summary>
public sealed class CustomerActionReleaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => CancellationToken.None;

    private readonly InMemoryJourneyStore _store = new();

    private CustomerActionRelease Release() => new(new CustomerLookup(_store), new ActionRelease(new JourneyRulesOptions()), new FakeTimeProvider(Now));

    private static ActionDocument Action() => new()
    {
        Id = ActionDocument.IdFor(ActionTypes.OrderCancelled, "anon-1", "o-1"),
        ActionType = ActionTypes.OrderCancelled,
        CustomerId = "anon-1",
        Trigger = new ActionTrigger { Key = "o-1", At = Now.AddDays(-1), OrderId = "o-1" },
        Customer = new ActionCustomer { Id = "anon-1", Email = "old@example.com", EmailOptOut = false },
        CreatedAt = Now.AddDays(-1),
        DueAt = Now,
    };

    [Fact]
    public async Task AMergedCustomer_IsReleasedWithTheConsentAndAddressOfTheProfileItWasMergedInto()
    {
        await _store.CreateAsync(new CustomerDocument { Id = "anon-1", MergedInto = "user-1" }, Ct);
        await _store.CreateAsync(new CustomerDocument
        {
            Id = "user-1",
            Traits = JsonDocument.Parse("""{"email":"ada@example.com","firstName":"Ada","unsubscribed":true}""").RootElement.Clone(),
        }, Ct);
        var action = Action();

        var decision = await Release().DecideAsync(action, Ct);

        Assert.Equal(ReleaseKind.Deliver, decision.Kind);
        Assert.Equal(("user-1", "ada@example.com", true), (action.Customer.Id, action.Customer.Email, action.Customer.EmailOptOut));
    }

    [Fact]
    public async Task AnErasedCustomer_IsCancelled()
    {
        var decision = await Release().DecideAsync(Action(), Ct);

        Assert.Equal(ReleaseKind.Cancel, decision.Kind);
    }
}
