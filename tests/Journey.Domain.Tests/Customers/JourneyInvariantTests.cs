using Journey.Domain.Customers;
using Journey.Domain.Serialization;
using Journey.Testing;
using static Journey.Testing.Events;

namespace Journey.Domain.Tests.Customers;

/// <summary>A journey only moves forward, by construction: the fold state enters stages through one guarded method, and the document follows a fold.</summary>
public sealed class JourneyInvariantTests
{
    private static TransitionRecord To(Stage from, Stage to, DateTimeOffset at) =>
        new() { From = from, To = to, At = at, TriggerEvent = "Test", TriggerMessageId = $"m-{to}", Rule = "test" };

    [Fact]
    public void Entering_a_later_stage_moves_the_journey_and_records_when()
    {
        var state = new FoldState();

        state.Enter(To(Stage.None, Stage.Awareness, T0));
        state.Enter(To(Stage.Awareness, Stage.Conversion, T0.AddHours(1)));

        Assert.Equal(Stage.Conversion, state.Stage);
        Assert.Equal([Stage.Awareness, Stage.Conversion], state.StageReachedAt.Keys.Order());
        Assert.Equal([Stage.Awareness, Stage.Conversion], state.Transitions.Select(t => t.To));
    }

    [Theory]
    [InlineData(Stage.Conversion)]
    [InlineData(Stage.Consideration)]
    public void A_journey_never_moves_back_nor_stays(Stage to)
    {
        var state = new FoldState();
        state.Enter(To(Stage.None, Stage.Conversion, T0));

        var error = Assert.Throws<InvalidOperationException>(() => state.Enter(To(Stage.Conversion, to, T0.AddHours(1))));

        Assert.Contains("only moves forward", error.Message, StringComparison.Ordinal);
        Assert.Equal(Stage.Conversion, state.Stage);
    }

    [Fact]
    public void A_transition_must_start_where_the_journey_is()
    {
        var state = new FoldState();
        state.Enter(To(Stage.None, Stage.Awareness, T0));

        Assert.Throws<InvalidOperationException>(() => state.Enter(To(Stage.Consideration, Stage.Conversion, T0)));
    }

    [Fact]
    public void A_stored_state_rebuilds_its_stages_from_its_transitions()
    {
        var state = Reached.Stages((Stage.Awareness, T0), (Stage.Retention, T0.AddDays(3)));

        var read = JourneyJson.Deserialize<FoldState>(JourneyJson.Serialize(state));

        Assert.Equal(Stage.Retention, read.Stage);
        Assert.Equal(state.StageReachedAt, read.StageReachedAt);
        Assert.Equal(JourneyJson.Serialize(state), JourneyJson.Serialize(read));
    }

    [Fact]
    public void A_stored_baseline_whose_transitions_came_from_two_merged_profiles_is_read_as_a_forward_journey()
    {
        // As an older build combined two baselines: each transition keeps the origin it had in its own profile.
        const string json = """
            {"stage":"Conversion","transitions":[
              {"from":"None","to":"Awareness","at":"2026-03-02T10:00:00+00:00","triggerEvent":"Page Viewed","triggerMessageId":"a","rule":"first-touch"},
              {"from":"Awareness","to":"Consideration","at":"2026-03-02T11:00:00+00:00","triggerEvent":"Product Added","triggerMessageId":"b","rule":"cart-or-wishlist-add"},
              {"from":"Awareness","to":"Conversion","at":"2026-03-02T12:00:00+00:00","triggerEvent":"Order Completed","triggerMessageId":"c","rule":"first-order"}]}
            """;

        var read = JourneyJson.Deserialize<FoldState>(json);

        Assert.Equal(Stage.Conversion, read.Stage);
        Assert.Equal([(Stage.None, Stage.Awareness), (Stage.Awareness, Stage.Consideration), (Stage.Consideration, Stage.Conversion)], read.Transitions.Select(t => (t.From, t.To)));
    }

    [Fact]
    public void A_document_follows_its_fold_and_reads_back_the_same()
    {
        var doc = new CustomerDocument { Id = "c1" }.WithJourney((Stage.Awareness, T0), (Stage.Conversion, T0.AddHours(2)));

        var read = JourneyJson.Deserialize<CustomerDocument>(JourneyJson.Serialize(doc));

        Assert.Equal((Stage.Conversion, Stage.Conversion), (doc.Stage, read.Stage));
        Assert.Equal(doc.StageReachedAt, read.StageReachedAt);
    }
}
