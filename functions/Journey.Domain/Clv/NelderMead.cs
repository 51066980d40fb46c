namespace Journey.Domain.Clv;

/// <summary>
/// Nelder-Mead minimisation of a function of a few parameters (the CLV models fit 3-4), with
/// restarts from the best point so that a collapsed simplex does not stop it early.
/// </summary>
public static class NelderMead
{
    public sealed record Result(double[] Minimum, double Value, int Evaluations);

    public static Result Minimize(Func<double[], double> f, double[] start, double step = 0.5, double tolerance = 1e-10, int maxEvaluations = 20_000, int restarts = 3)
    {
        var best = start;
        double bestValue = f(start);
        var evaluations = 1;
        for (var round = 0; round <= restarts; round++)
        {
            var (point, value, used) = Run(f, best, step, tolerance, maxEvaluations - evaluations);
            evaluations += used;
            var improved = value < bestValue - tolerance;
            if (value <= bestValue)
            {
                best = point;
                bestValue = value;
            }
            if (!improved && round > 0) break;
            if (evaluations >= maxEvaluations) break;
        }
        return new Result(best, bestValue, evaluations);
    }

    private static (double[] Point, double Value, int Evaluations) Run(Func<double[], double> f, double[] start, double step, double tolerance, int budget)
    {
        var n = start.Length;
        var simplex = new double[n + 1][];
        var values = new double[n + 1];
        simplex[0] = (double[])start.Clone();
        values[0] = f(simplex[0]);
        for (var i = 0; i < n; i++)
        {
            var p = (double[])start.Clone();
            p[i] += step;
            simplex[i + 1] = p;
            values[i + 1] = f(p);
        }
        var evaluations = n + 1;
        while (evaluations < budget)
        {
            var order = Enumerable.Range(0, n + 1).OrderBy(i => values[i]).ToArray();
            simplex = [.. order.Select(i => simplex[i])];
            values = [.. order.Select(i => values[i])];
            if (Math.Abs(values[n] - values[0]) <= tolerance * (Math.Abs(values[0]) + tolerance)) break;

            var centroid = new double[n];
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++) centroid[j] += simplex[i][j] / n;

            double[] Along(double t) => [.. centroid.Select((c, j) => c + t * (simplex[n][j] - c))];
            var reflected = Along(-1);
            var fr = f(reflected);
            evaluations++;
            if (fr < values[0])
            {
                var expanded = Along(-2);
                var fe = f(expanded);
                evaluations++;
                (simplex[n], values[n]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[n - 1])
            {
                (simplex[n], values[n]) = (reflected, fr);
            }
            else
            {
                var contracted = fr < values[n] ? Along(-0.5) : Along(0.5);
                var fc = f(contracted);
                evaluations++;
                if (fc < Math.Min(fr, values[n]))
                {
                    (simplex[n], values[n]) = (contracted, fc);
                }
                else
                {
                    for (var i = 1; i <= n; i++)
                    {
                        simplex[i] = [.. simplex[i].Select((x, j) => simplex[0][j] + 0.5 * (x - simplex[0][j]))];
                        values[i] = f(simplex[i]);
                        evaluations++;
                    }
                }
            }
        }
        var bestIndex = Array.IndexOf(values, values.Min());
        return (simplex[bestIndex], values[bestIndex], evaluations);
    }
}
