using Journey.Domain.Actions;

namespace Journey.Domain.Tests.Actions;

public sealed class HoldoutTests
{
    private static readonly string[] Customers = [.. Enumerable.Range(0, 10_000).Select(i => $"customer-{i}")];

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.1)]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public void TheShareHeldOut_IsWithinTwoPointsOfTheSetting_Over10000Customers(double share)
    {
        var held = Customers.Count(c => Holdout.IsHeldOut(ActionTypes.CartAbandoned, c, share));
        Assert.InRange(held / 10_000.0, share - 0.02, share + 0.02);
    }

    [Fact]
    public void TheGroup_IsTheSameOnEveryRun_AndFixedByTheHash()
    {
        var first = Customers.Where(c => Holdout.IsHeldOut(ActionTypes.OrderCancelled, c, 0.1)).ToList();
        var second = Customers.Reverse().Where(c => Holdout.IsHeldOut(ActionTypes.OrderCancelled, c, 0.1)).Reverse().ToList();
        Assert.Equal(first, second);
        // Pinned (computed apart with Python hashlib): a change of the hash would move customers between groups in a running experiment.
        Assert.Equal(0.68793, Math.Round(Holdout.Position(ActionTypes.OrderCancelled, "customer-0"), 5));
    }

    [Fact]
    public void TheRules_HaveIndependentGroups()
    {
        var cart = Customers.Where(c => Holdout.IsHeldOut(ActionTypes.CartAbandoned, c, 0.1)).ToHashSet();
        var cancel = Customers.Where(c => Holdout.IsHeldOut(ActionTypes.OrderCancelled, c, 0.1)).ToHashSet();
        var both = cart.Intersect(cancel).Count();
        Assert.InRange(both, 60, 140); // about 1 % of 10,000 if independent; 1,000 if the same group
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(-1.0, false)]
    [InlineData(1.0, true)]
    public void TheEdgeShares_HoldNobodyOrEverybody(double share, bool held) =>
        Assert.All(Customers.Take(100), c => Assert.Equal(held, Holdout.IsHeldOut(ActionTypes.WinBack, c, share)));
}
