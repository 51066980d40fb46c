using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing;

/// <summary>
/// Everything a run left in the stores, as the JSON Journey writes: every customer document
/// (redirects included), every customer's transitions, and the dead letters of the given days.
/// Two runs that should end alike compare equal.
/// </summary>
public sealed record StoreSnapshot(
    SortedDictionary<string, string> Customers,
    SortedDictionary<string, string> Transitions,
    SortedDictionary<string, string> DeadLetters)
{
    public static async Task<StoreSnapshot> TakeAsync(ICustomerStore customers, ITransitionStore transitions, IDeadLetterStore deadLetters, IEnumerable<string> days)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentNullException.ThrowIfNull(days);
        var snapshot = new StoreSnapshot(new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        var ids = new List<string>();
        await foreach (var projection in customers.ScanProjectionsAsync(CancellationToken.None)) ids.Add(projection.Id);
        foreach (var id in ids)
        {
            var stored = await customers.GetAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"Customer {id} vanished.");
            snapshot.Customers[id] = JourneyJson.Serialize(stored.Document);
            foreach (var t in await transitions.ListAsync(id, CancellationToken.None)) snapshot.Transitions[t.Id] = JourneyJson.Serialize(t);
        }
        foreach (var day in days)
        {
            foreach (var d in await deadLetters.ListAsync(day, CancellationToken.None)) snapshot.DeadLetters[$"{d.Day}/{d.Id}"] = JourneyJson.Serialize(d);
        }
        return snapshot;
    }

    /// <summary>Asserts that <paramref name="actual"/> holds the same documents, naming the first that differs.</summary>
    public void AssertSameAs(StoreSnapshot actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        AssertSame("customers", Customers, actual.Customers);
        AssertSame("transitions", Transitions, actual.Transitions);
        AssertSame("deadletter", DeadLetters, actual.DeadLetters);
    }

    private static void AssertSame(string container, SortedDictionary<string, string> expected, SortedDictionary<string, string> actual)
    {
        Assert.True(expected.Keys.SequenceEqual(actual.Keys),
            $"{container}: missing [{string.Join(", ", expected.Keys.Except(actual.Keys))}], unexpected [{string.Join(", ", actual.Keys.Except(expected.Keys))}]");
        foreach (var (id, json) in expected)
            Assert.True(json == actual[id], $"{container}/{id} differs:{Environment.NewLine}expected {json}{Environment.NewLine}actual   {actual[id]}");
    }
}
