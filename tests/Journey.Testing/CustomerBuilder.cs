using Journey.Domain.Customers;
using Journey.Domain.Processing;

namespace Journey.Testing;

/// <summary>Hand-built customer documents with a projection only (no timeline): for as-of dates on or after their last event.</summary>
public sealed class CustomerBuilder
{
    private readonly CustomerDocument _doc;
    private readonly List<(Stage Stage, DateTimeOffset At)> _stages = [];

    public CustomerBuilder(string id, DateTimeOffset firstSeen, string? channel = "organic", string? device = "desktop")
    {
        _doc = new CustomerDocument
        {
            Id = id,
            FirstSeen = firstSeen,
            LastSeen = firstSeen,
            Acquisition = new Acquisition { Channel = channel, FirstDevice = device, FirstSeen = firstSeen },
        };
        Reached(Stage.Awareness, firstSeen);
    }

    public static DateTimeOffset Day(int month, int day, int hour = 12, int year = 2026) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    public CustomerBuilder Order(DateTimeOffset at, decimal revenue, string? category = null)
    {
        var orders = _doc.Orders;
        orders.History.Add(new OrderEntry($"{_doc.Id}-o{orders.History.Count + 1}", at, revenue, category));
        orders.History.Sort((a, b) => a.At.CompareTo(b.At));
        orders.Count = orders.History.Count;
        orders.Revenue += revenue;
        orders.First = orders.History[0].At;
        orders.Last = orders.History[^1].At;
        orders.FirstCategory = orders.History[0].Category;
        return Active(at);
    }

    public CustomerBuilder Active(DateTimeOffset at)
    {
        var day = TimelineEntries.Day(at);
        if (!_doc.ActiveDays.Contains(day))
        {
            _doc.ActiveDays.Add(day);
            _doc.ActiveDays.Sort(StringComparer.Ordinal);
        }
        if (at > _doc.LastSeen) _doc.LastSeen = at;
        return this;
    }

    /// <summary>The customer reached <paramref name="stage"/> at <paramref name="at"/> (an active day too, unless <paramref name="active"/> is false).</summary>
    public CustomerBuilder Reached(Stage stage, DateTimeOffset at, bool active = true)
    {
        _stages.RemoveAll(s => s.Stage == stage);
        _stages.Add((stage, at));
        _doc.WithJourney([.. _stages]);
        return active ? Active(at) : this;
    }

    public CustomerBuilder With(Action<CustomerDocument> change)
    {
        change(_doc);
        return this;
    }

    public CustomerDocument Build() => _doc;
}
