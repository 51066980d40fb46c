namespace Journey.Domain.Clv;

/// <summary>An objective for <see cref="BoundedLbfgs"/>: returns f(x) and writes ∇f(x) into <paramref name="gradient"/>. Return +∞ (or NaN) where f is undefined.</summary>
public delegate double GradientObjective(double[] x, double[] gradient);

/// <summary>Why <see cref="BoundedLbfgs.Minimize"/> stopped.</summary>
public enum OptimizerStatus
{
    /// <summary>The projected gradient's largest component fell below the gradient tolerance.</summary>
    GradientConverged,
    /// <summary>An accepted step changed f by less than the relative function tolerance, or the decrease still predicted is below what f resolves.</summary>
    FunctionConverged,
    /// <summary>The iteration limit was reached first.</summary>
    IterationLimit,
    /// <summary>No step along the quasi-Newton or the steepest-descent direction lowered f.</summary>
    LineSearchFailed,
}

/// <summary>
/// Minimisation of a smooth function of a few variables inside box bounds: limited-memory BFGS
/// (Nocedal &amp; Wright 2006, algorithms 7.4 and 3.5-3.6) on the free variables, projected onto
/// the box. A variable that sits on a bound with its gradient pushing outward is held there; each
/// step stops at the first bound it would cross; the line search asks for the strong Wolfe
/// conditions and accepts a step that ends on a bound when it satisfies the Armijo condition.
/// It stops when the projected gradient vanishes (to <see cref="Options.GradientTolerance"/>) or
/// f stops changing (to <see cref="Options.FunctionTolerance"/>, relative).
/// </summary>
public static class BoundedLbfgs
{
    public sealed record Options
    {
        public double GradientTolerance { get; init; } = 1e-8;
        public double FunctionTolerance { get; init; } = 1e-14;
        public int MaxIterations { get; init; } = 500;
        public int Memory { get; init; } = 8;
        public int MaxLineSearchEvaluations { get; init; } = 40;
    }

    public sealed record Result(double[] Minimum, double Value, double[] Gradient, double ProjectedGradientNorm, int Iterations, int Evaluations, OptimizerStatus Status)
    {
        public bool Converged => Status is OptimizerStatus.GradientConverged or OptimizerStatus.FunctionConverged;
    }

    private const double ArmijoC1 = 1e-4;
    private const double ResolvableDecrease = 1e-11;
    private const double CurvatureC2 = 0.9;

    /// <exception cref="ArgumentException">The bounds are inconsistent, or f is not finite at the (clamped) start.</exception>
    public static Result Minimize(GradientObjective f, double[] start, double[] lower, double[] upper, Options? options = null)
    {
        options ??= new Options();
        var n = start.Length;
        if (lower.Length != n || upper.Length != n) throw new ArgumentException("start, lower and upper must have the same length.", nameof(start));
        for (var i = 0; i < n; i++)
            if (!(lower[i] <= upper[i])) throw new ArgumentException($"Bound {i}: lower {lower[i]} is not at most upper {upper[i]}.", nameof(lower));

        var x = new double[n];
        for (var i = 0; i < n; i++) x[i] = Math.Clamp(start[i], lower[i], upper[i]);
        var g = new double[n];
        var fx = f(x, g);
        var evaluations = 1;
        if (!double.IsFinite(fx) || !AllFinite(g)) throw new ArgumentException($"The objective is not finite at the start point ({string.Join(", ", x)}).", nameof(start));

        var sHistory = new List<double[]>();
        var yHistory = new List<double[]>();
        var rhoHistory = new List<double>();
        var free = new bool[n];
        var d = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        var status = OptimizerStatus.IterationLimit;
        var iteration = 0;

        for (; iteration < options.MaxIterations; iteration++)
        {
            var projectedNorm = ProjectedGradientNorm(x, g, lower, upper, free);
            if (projectedNorm <= options.GradientTolerance)
            {
                status = OptimizerStatus.GradientConverged;
                break;
            }

            var usedMemory = sHistory.Count > 0;
            Direction(g, free, sHistory, yHistory, rhoHistory, d);
            HoldAtBounds(x, lower, upper, d);
            if (!IsDescent(g, d))
            {
                Clear(sHistory, yHistory, rhoHistory);
                usedMemory = false;
                Direction(g, free, sHistory, yHistory, rhoHistory, d);
                HoldAtBounds(x, lower, upper, d);
            }

            var search = LineSearch(f, x, fx, g, d, lower, upper, usedMemory, options.MaxLineSearchEvaluations, xNew, gNew);
            evaluations += search.Evaluations;
            if (!search.Accepted)
            {
                // −g·d is the decrease the step predicts (for a quasi-Newton step about twice f − min f;
                // for steepest descent |g|²): when f cannot resolve it, the line search failed on
                // rounding, at the minimum
                var predicted = 0.0;
                for (var i = 0; i < n; i++) predicted -= g[i] * d[i];
                if (predicted <= ResolvableDecrease * Math.Max(1, Math.Abs(fx)))
                {
                    status = OptimizerStatus.FunctionConverged;
                    break;
                }
                if (usedMemory)
                {
                    // the curvature pairs may be stale: start again from steepest descent
                    Clear(sHistory, yHistory, rhoHistory);
                    continue;
                }
                status = OptimizerStatus.LineSearchFailed;
                break;
            }

            var s = new double[n];
            var y = new double[n];
            double sy = 0, ss = 0, yy = 0;
            for (var i = 0; i < n; i++)
            {
                s[i] = xNew[i] - x[i];
                y[i] = gNew[i] - g[i];
                sy += s[i] * y[i];
                ss += s[i] * s[i];
                yy += y[i] * y[i];
            }
            if (sy > 1e-12 * Math.Sqrt(ss * yy))
            {
                if (sHistory.Count == options.Memory)
                {
                    sHistory.RemoveAt(0);
                    yHistory.RemoveAt(0);
                    rhoHistory.RemoveAt(0);
                }
                sHistory.Add(s);
                yHistory.Add(y);
                rhoHistory.Add(1 / sy);
            }

            var change = Math.Abs(fx - search.Value);
            Array.Copy(xNew, x, n);
            Array.Copy(gNew, g, n);
            fx = search.Value;
            if (change <= options.FunctionTolerance * Math.Max(1, Math.Abs(fx)))
            {
                iteration++;
                status = ProjectedGradientNorm(x, g, lower, upper, free) <= options.GradientTolerance ? OptimizerStatus.GradientConverged : OptimizerStatus.FunctionConverged;
                break;
            }
        }

        return new Result(x, fx, g, ProjectedGradientNorm(x, g, lower, upper, free), iteration, evaluations, status);
    }

    /// <summary>The largest component of the gradient that can still move x inside the box; marks those variables free.</summary>
    private static double ProjectedGradientNorm(double[] x, double[] g, double[] lower, double[] upper, bool[] free)
    {
        var norm = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            free[i] = !((x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0));
            if (free[i]) norm = Math.Max(norm, Math.Abs(g[i]));
        }
        return norm;
    }

    /// <summary>A variable already on a bound does not move through it.</summary>
    private static void HoldAtBounds(double[] x, double[] lower, double[] upper, double[] d)
    {
        for (var i = 0; i < x.Length; i++)
            if ((x[i] <= lower[i] && d[i] < 0) || (x[i] >= upper[i] && d[i] > 0)) d[i] = 0;
    }

    /// <summary>d = −H·g on the free variables (two-loop recursion), 0 on the held ones.</summary>
    private static void Direction(double[] g, bool[] free, List<double[]> s, List<double[]> y, List<double> rho, double[] d)
    {
        var n = g.Length;
        for (var i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
        var m = s.Count;
        if (m == 0) return;
        var alphas = new double[m];
        for (var k = m - 1; k >= 0; k--)
        {
            alphas[k] = rho[k] * Dot(s[k], d, free);
            for (var i = 0; i < n; i++) if (free[i]) d[i] -= alphas[k] * y[k][i];
        }
        var last = m - 1;
        var yy = Dot(y[last], y[last], free);
        var gamma = yy > 0 ? Dot(s[last], y[last], free) / yy : 1;
        if (!(gamma > 0)) gamma = 1 / (rho[last] * Dot(y[last], y[last], null));
        for (var i = 0; i < n; i++) d[i] *= gamma;
        for (var k = 0; k < m; k++)
        {
            var beta = rho[k] * Dot(y[k], d, free);
            for (var i = 0; i < n; i++) if (free[i]) d[i] += (alphas[k] - beta) * s[k][i];
        }
    }

    private static double Dot(double[] a, double[] b, bool[]? mask)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++) if (mask is null || mask[i]) sum += a[i] * b[i];
        return sum;
    }

    private static bool IsDescent(double[] g, double[] d)
    {
        double gd = 0, gg = 0, dd = 0;
        for (var i = 0; i < g.Length; i++)
        {
            gd += g[i] * d[i];
            gg += g[i] * g[i];
            dd += d[i] * d[i];
        }
        return dd > 0 && AllFinite(d) && gd < -1e-12 * Math.Sqrt(gg * dd);
    }

    private static void Clear(List<double[]> s, List<double[]> y, List<double> rho)
    {
        s.Clear();
        y.Clear();
        rho.Clear();
    }

    private static bool AllFinite(double[] v)
    {
        foreach (var value in v) if (!double.IsFinite(value)) return false;
        return true;
    }

    private readonly record struct SearchResult(bool Accepted, double Value, int Evaluations);

    /// <summary>
    /// A step α along d with the strong Wolfe conditions (bracketing, then zooming with safeguarded
    /// cubic interpolation), never beyond the first bound; a step that reaches that bound is
    /// accepted on the Armijo condition alone. On success xNew, gNew hold the new point.
    /// </summary>
    private static SearchResult LineSearch(GradientObjective f, double[] x, double fx, double[] g, double[] d, double[] lower, double[] upper,
        bool quasiNewton, int budget, double[] xNew, double[] gNew)
    {
        var n = x.Length;
        var maxStep = double.PositiveInfinity;
        var dInf = 0.0;
        for (var i = 0; i < n; i++)
        {
            if (d[i] > 0) maxStep = Math.Min(maxStep, (upper[i] - x[i]) / d[i]);
            else if (d[i] < 0) maxStep = Math.Min(maxStep, (lower[i] - x[i]) / d[i]);
            dInf = Math.Max(dInf, Math.Abs(d[i]));
        }
        if (!(maxStep > 0)) return new SearchResult(false, fx, 0);

        var slope0 = 0.0;
        for (var i = 0; i < n; i++) slope0 += g[i] * d[i];
        var evaluations = 0;

        (double Value, double Slope) Evaluate(double alpha)
        {
            evaluations++;
            for (var i = 0; i < n; i++)
            {
                xNew[i] = x[i] + alpha * d[i];
                // land exactly on a bound that the step reaches
                xNew[i] = Math.Clamp(xNew[i], lower[i], upper[i]);
            }
            if (alpha >= maxStep)
            {
                for (var i = 0; i < n; i++)
                {
                    if (d[i] > 0 && (upper[i] - x[i]) / d[i] <= maxStep) xNew[i] = upper[i];
                    else if (d[i] < 0 && (lower[i] - x[i]) / d[i] <= maxStep) xNew[i] = lower[i];
                }
            }
            var value = f(xNew, gNew);
            if (!double.IsFinite(value) || !AllFinite(gNew)) return (double.PositiveInfinity, double.NaN);
            var slope = 0.0;
            for (var i = 0; i < n; i++) slope += gNew[i] * d[i];
            return (value, slope);
        }

        bool Armijo(double alpha, double value) => value <= fx + ArmijoC1 * alpha * slope0;
        bool Curvature(double slope) => Math.Abs(slope) <= -CurvatureC2 * slope0;

        // first trial: the quasi-Newton step; for steepest descent a step of unit length in the largest component
        var step = Math.Min(quasiNewton ? 1.0 : 1.0 / dInf, maxStep);
        double previous = 0, previousValue = fx, previousSlope = slope0;
        while (evaluations < budget)
        {
            var (value, slope) = Evaluate(step);
            if (!Armijo(step, value) || (evaluations > 1 && value >= previousValue))
                return Zoom(previous, previousValue, previousSlope, step, value, slope);
            if (Curvature(slope) || step >= maxStep) return new SearchResult(true, value, evaluations);
            if (slope >= 0) return Zoom(step, value, slope, previous, previousValue, previousSlope);
            (previous, previousValue, previousSlope) = (step, value, slope);
            step = Math.Min(step * 4, maxStep);
        }
        return new SearchResult(false, fx, evaluations);

        SearchResult Zoom(double lo, double loValue, double loSlope, double hi, double hiValue, double hiSlope)
        {
            while (evaluations < budget)
            {
                var alpha = Interpolate(lo, loValue, loSlope, hi, hiValue, hiSlope);
                var (value, slope) = Evaluate(alpha);
                if (!Armijo(alpha, value) || value >= loValue)
                {
                    (hi, hiValue, hiSlope) = (alpha, value, slope);
                }
                else
                {
                    if (Curvature(slope)) return new SearchResult(true, value, evaluations);
                    if (slope * (hi - lo) >= 0) (hi, hiValue, hiSlope) = (lo, loValue, loSlope);
                    (lo, loValue, loSlope) = (alpha, value, slope);
                }
                if (Math.Abs(hi - lo) <= 1e-14 * Math.Max(1, Math.Abs(lo))) break;
            }
            // the interval collapsed: settle for the best sufficient decrease found, if any
            if (lo > 0 && loValue < fx)
            {
                Evaluate(lo);
                return new SearchResult(true, loValue, evaluations);
            }
            return new SearchResult(false, fx, evaluations);
        }
    }

    /// <summary>The minimiser of the cubic through both ends (values and slopes), kept inside the middle 80% of the interval; bisection when the cubic is unusable.</summary>
    private static double Interpolate(double a, double fa, double da, double b, double fb, double db)
    {
        var (left, right) = a < b ? (a, b) : (b, a);
        var margin = 0.1 * (right - left);
        var midpoint = 0.5 * (a + b);
        if (!double.IsFinite(fa) || !double.IsFinite(fb) || !double.IsFinite(da) || !double.IsFinite(db)) return midpoint;
        var d1 = da + db - 3 * (fa - fb) / (a - b);
        var discriminant = d1 * d1 - da * db;
        if (discriminant < 0) return midpoint;
        var d2 = Math.Sign(b - a) * Math.Sqrt(discriminant);
        var alpha = b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
        if (!double.IsFinite(alpha)) return midpoint;
        return Math.Clamp(alpha, left + margin, right - margin);
    }
}
