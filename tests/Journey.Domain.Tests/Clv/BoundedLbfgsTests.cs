using Journey.Domain.Clv;

namespace Journey.Domain.Tests.Clv;

public sealed class BoundedLbfgsTests
{
    [Fact]
    public void Minimize_WhenEvenSteepestDescentPredictsLessThanFResolves_StopsAsConverged()
    {
        // At the minimum of f = 1e-5 x² the gradient is computed 3e-6 off (as BG/NBD's is, through its
        // hypergeometric terms): above the gradient tolerance, so the optimizer goes on, but the decrease
        // even a steepest-descent step predicts (|g|² = 9e-12) is below what f resolves, and no step can
        // lower f. That is the minimum to the precision of f and its gradient, not a failure (a small
        // shop's BG/NBD fit ended like this and lost its CLV).
        static double F(double[] v, double[] g)
        {
            g[0] = 2e-5 * v[0] + 3e-6;
            return 1e-5 * v[0] * v[0];
        }
        var result = BoundedLbfgs.Minimize(F, [0.0], [-10], [10]);
        Assert.Equal(OptimizerStatus.FunctionConverged, result.Status);
        Assert.Equal(0.0, result.Minimum[0], 6);
    }

    [Fact]
    public void Minimize_WhenTheMinimumLiesOutsideTheBox_StopsOnTheBounds()
    {
        // unconstrained minimum (2, −1); inside x ∈ [−1, 1], y ∈ [0, 3] it is the corner (1, 0)
        double F(double[] v, double[] g)
        {
            g[0] = 2 * (v[0] - 2) + v[1];
            g[1] = 20 * (v[1] + 1) + v[0];
            return (v[0] - 2) * (v[0] - 2) + 10 * (v[1] + 1) * (v[1] + 1) + v[0] * v[1];
        }
        var result = BoundedLbfgs.Minimize(F, [-0.5, 2.5], [-1, 0], [1, 3]);
        Assert.True(result.Converged, result.Status.ToString());
        Assert.Equal(1.0, result.Minimum[0]);
        Assert.Equal(0.0, result.Minimum[1]);
        Assert.Equal(11.0, result.Value, 12);
    }

    [Fact]
    public void Minimize_WithOneBoundActive_FindsTheInteriorOptimumOfTheOtherVariable()
    {
        // f = (x − 3)² + (y − x/2)²: with x ≤ 1 the minimum is x = 1, y = 0.5
        double F(double[] v, double[] g)
        {
            g[0] = 2 * (v[0] - 3) - (v[1] - v[0] / 2);
            g[1] = 2 * (v[1] - v[0] / 2);
            return (v[0] - 3) * (v[0] - 3) + (v[1] - v[0] / 2) * (v[1] - v[0] / 2);
        }
        var result = BoundedLbfgs.Minimize(F, [0, 0], [-5, -5], [1, 5]);
        Assert.True(result.Converged, result.Status.ToString());
        Assert.Equal(1.0, result.Minimum[0]);
        Assert.Equal(0.5, result.Minimum[1], 7);
    }

    [Fact]
    public void Minimize_Rosenbrock_ReachesItsMinimum()
    {
        double F(double[] v, double[] g)
        {
            var (x, y) = (v[0], v[1]);
            g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
            g[1] = 200 * (y - x * x);
            return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
        }
        var result = BoundedLbfgs.Minimize(F, [-1.2, 1], [-10, -10], [10, 10]);
        Assert.Equal(OptimizerStatus.GradientConverged, result.Status);
        Assert.Equal(1.0, result.Minimum[0], 6);
        Assert.Equal(1.0, result.Minimum[1], 6);
        Assert.InRange(result.Iterations, 1, 100);
    }

    [Fact]
    public void Minimize_ThroughARegionWhereTheObjectiveIsUndefined_BacksOffAndConverges()
    {
        // f = x − ln x − ... defined only for x > 0.5 in practice: +∞ below it; minimum at x = 1
        double F(double[] v, double[] g)
        {
            if (v[0] <= 0.5) return double.PositiveInfinity;
            g[0] = 1 - 1 / v[0];
            return v[0] - Math.Log(v[0]);
        }
        var result = BoundedLbfgs.Minimize(F, [8], [-100], [100]);
        Assert.True(result.Converged, result.Status.ToString());
        Assert.Equal(1.0, result.Minimum[0], 6);
    }

    [Fact]
    public void Minimize_WhenTheStartIsNotFinite_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => BoundedLbfgs.Minimize((_, _) => double.NaN, [0.0], [-1], [1]));
        Assert.Contains("not finite at the start", error.Message);
    }

    [Fact]
    public void Minimize_WithInconsistentBounds_Throws()
    {
        Assert.Throws<ArgumentException>(() => BoundedLbfgs.Minimize((_, _) => 0, [0.0], [1], [-1]));
    }
}
