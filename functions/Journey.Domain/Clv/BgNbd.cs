using System.Diagnostics;

namespace Journey.Domain.Clv;

/// <summary>
/// A customer's repeat-purchase history in the form the BG/NBD model reads: <see cref="Frequency"/>
/// (x) repeat purchases (counted per distinct day after the first), the time of the last one since
/// the first purchase (<see cref="Recency"/>, t_x) and the time from the first purchase to the end
/// of the calibration period (<see cref="Age"/>, T), all in the same time unit.
/// </summary>
public readonly record struct RepeatSummary(double Frequency, double Recency, double Age);

/// <summary>BG/NBD parameters: purchase-rate gamma (r, α) and dropout beta (a, b).</summary>
public sealed record BgNbdParameters(double R, double Alpha, double A, double B);

/// <summary>A fit: parameters, the log-likelihood they reach, and what it took.</summary>
public sealed record BgNbdFit(BgNbdParameters Parameters, double LogLikelihood, int Customers, int Evaluations, TimeSpan FitTime);

/// <summary>
/// The beta-geometric/NBD model of Fader, Hardie &amp; Lee (2005), "Counting your customers the
/// easy way", Marketing Science 24(2): its log-likelihood (computed in logs, so it stays finite for
/// long histories), the maximum-likelihood fit, and the per-customer predictions.
/// </summary>
public static class BgNbd
{
    /// <summary>ln L for one customer.</summary>
    public static double LogLikelihood(BgNbdParameters p, RepeatSummary c)
    {
        var (r, alpha, a, b) = (p.R, p.Alpha, p.A, p.B);
        var x = c.Frequency;
        var lnA1 = SpecialFunctions.LogGamma(r + x) - SpecialFunctions.LogGamma(r) + r * Math.Log(alpha);
        var lnA2 = SpecialFunctions.LogGamma(a + b) + SpecialFunctions.LogGamma(b + x) - SpecialFunctions.LogGamma(b) - SpecialFunctions.LogGamma(a + b + x);
        var lnA3 = -(r + x) * Math.Log(alpha + c.Age);
        if (x <= 0) return lnA1 + lnA2 + lnA3;
        var lnA4 = Math.Log(a) - Math.Log(b + x - 1) - (r + x) * Math.Log(alpha + c.Recency);
        return lnA1 + lnA2 + SpecialFunctions.LogSumExp(lnA3, lnA4);
    }

    /// <summary>The gradient of ln L for one customer with respect to (r, α, a, b).</summary>
    public static (double R, double Alpha, double A, double B) Gradient(BgNbdParameters p, RepeatSummary c)
    {
        var (r, alpha, a, b) = (p.R, p.Alpha, p.A, p.B);
        var x = c.Frequency;
        var dr = SpecialFunctions.Digamma(r + x) - SpecialFunctions.Digamma(r) + Math.Log(alpha);
        var dalpha = r / alpha;
        var da = SpecialFunctions.Digamma(a + b) - SpecialFunctions.Digamma(a + b + x);
        var db = SpecialFunctions.Digamma(a + b) + SpecialFunctions.Digamma(b + x) - SpecialFunctions.Digamma(b) - SpecialFunctions.Digamma(a + b + x);

        var lnA3 = -(r + x) * Math.Log(alpha + c.Age);
        if (x <= 0) return (dr - Math.Log(alpha + c.Age), dalpha - (r + x) / (alpha + c.Age), da, db);

        // ln(A3 + A4): each term's derivative weighted by its share of the sum.
        var lnA4 = Math.Log(a) - Math.Log(b + x - 1) - (r + x) * Math.Log(alpha + c.Recency);
        var total = SpecialFunctions.LogSumExp(lnA3, lnA4);
        var w3 = Math.Exp(lnA3 - total);
        var w4 = Math.Exp(lnA4 - total);
        dr += w3 * -Math.Log(alpha + c.Age) + w4 * -Math.Log(alpha + c.Recency);
        dalpha += w3 * -(r + x) / (alpha + c.Age) + w4 * -(r + x) / (alpha + c.Recency);
        da += w4 / a;
        db += w4 * -1 / (b + x - 1);
        return (dr, dalpha, da, db);
    }

    /// <summary>The gradient of a population's ln L with respect to (r, α, a, b).</summary>
    public static double[] Gradient(BgNbdParameters p, IReadOnlyList<(RepeatSummary Summary, int Count)> customers)
    {
        var g = new double[4];
        foreach (var (summary, count) in customers)
        {
            var (dr, dalpha, da, db) = Gradient(p, summary);
            g[0] += count * dr;
            g[1] += count * dalpha;
            g[2] += count * da;
            g[3] += count * db;
        }
        return g;
    }

    /// <summary>ln L of a population (customers with identical histories may be given once with a weight).</summary>
    public static double LogLikelihood(BgNbdParameters p, IReadOnlyList<(RepeatSummary Summary, int Count)> customers)
    {
        var sum = 0.0;
        foreach (var (summary, count) in customers) sum += count * LogLikelihood(p, summary);
        return sum;
    }

    /// <summary>
    /// Maximum-likelihood fit: bounded L-BFGS (<see cref="BoundedLbfgs"/>) on the logs of the
    /// parameters with the analytic gradient, over the customers compressed to distinct histories
    /// and evaluated in parallel chunks.
    /// </summary>
    /// <exception cref="ArgumentException">No customers, or a summary that is not a history (see <see cref="BgNbdData"/>).</exception>
    /// <exception cref="InvalidOperationException">The optimizer did not converge.</exception>
    public static BgNbdFit Fit(IEnumerable<RepeatSummary> customers) => Fit(BgNbdData.Compress(customers));

    internal static BgNbdFit Fit(BgNbdData data)
    {
        var clock = Stopwatch.StartNew();
        if (data.Customers == 0) throw new ArgumentException("There are no customers to fit.", nameof(data));
        // start at r = a = b = 1 and α = the mean age (the purchase rate's scale follows the time unit)
        var (theta, logLikelihood, evaluations) = MaximumLikelihood.Fit("BG/NBD", LogLikelihoodOf(data), [1, Math.Max(data.MeanAge, 1e-3), 1, 1], data.Customers);
        return new BgNbdFit(new BgNbdParameters(theta[0], theta[1], theta[2], theta[3]), logLikelihood, data.Customers, evaluations, clock.Elapsed);
    }

    /// <summary>Standard errors of (r, α, a, b) at <paramref name="at"/> (normally the fit) from the observed information; NaN where it is not positive definite.</summary>
    public static BgNbdParameters StandardErrors(BgNbdParameters at, IEnumerable<RepeatSummary> customers) => StandardErrors(at, BgNbdData.Compress(customers));

    internal static BgNbdParameters StandardErrors(BgNbdParameters at, BgNbdData data)
    {
        var errors = MaximumLikelihood.StandardErrors(LogLikelihoodOf(data), [at.R, at.Alpha, at.A, at.B]);
        return new BgNbdParameters(errors[0], errors[1], errors[2], errors[3]);
    }

    private static MaximumLikelihood.LogLikelihood LogLikelihoodOf(BgNbdData data) =>
        (theta, gradient) => data.Evaluate(new BgNbdParameters(theta[0], theta[1], theta[2], theta[3]), gradient);

    /// <summary>P(alive): the probability the customer has not dropped out by the end of the calibration period.</summary>
    public static double ProbabilityAlive(BgNbdParameters p, RepeatSummary c)
    {
        if (c.Frequency <= 0) return 1.0;
        var ratio = p.A / (p.B + c.Frequency - 1) * Math.Pow((p.Alpha + c.Age) / (p.Alpha + c.Recency), p.R + c.Frequency);
        return 1.0 / (1.0 + ratio);
    }

    /// <summary>Expected number of purchases in the next <paramref name="t"/> time units, given the history.</summary>
    public static double ExpectedPurchases(BgNbdParameters p, RepeatSummary c, double t)
    {
        Span<double> expected = stackalloc double[1];
        ExpectedPurchases(p, c, [t], expected);
        return expected[0];
    }

    /// <summary>
    /// Expected numbers of purchases in the next t time units for each t in <paramref name="horizons"/>
    /// (Fader, Hardie &amp; Lee 2005, eq. 10): P(alive) × <see cref="ExpectedPurchasesIfAlive"/>.
    /// </summary>
    public static void ExpectedPurchases(BgNbdParameters p, RepeatSummary c, ReadOnlySpan<double> horizons, Span<double> expected)
    {
        ExpectedPurchasesIfAlive(p, c.Frequency, c.Age, horizons, expected);
        var alive = ProbabilityAlive(p, c);
        for (var j = 0; j < horizons.Length; j++) expected[j] *= alive;
    }

    /// <summary>
    /// Expected purchases in the next t time units for each t in <paramref name="horizons"/> of a
    /// customer still alive after x repeat purchases at age T: (a + b + x − 1)/(a − 1) ×
    /// [1 − ((α + T)/(α + T + t))^(r+x) ₂F₁(r + x, b + x; a + b + x − 1; t/(α + T + t))], with one
    /// pass of the series for all horizons. It depends on x and T only, not on t_x.
    /// </summary>
    public static void ExpectedPurchasesIfAlive(BgNbdParameters p, double frequency, double age, ReadOnlySpan<double> horizons, Span<double> expected)
    {
        var (r, alpha, a, b) = (p.R, p.Alpha, p.A, p.B);
        var x = frequency;
        var k = horizons.Length;
        Span<double> z = k <= 64 ? stackalloc double[k] : new double[k];
        for (var j = 0; j < k; j++) z[j] = horizons[j] / (alpha + age + horizons[j]);
        SpecialFunctions.Hypergeometric2F1(r + x, b + x, a + b + x - 1, z, expected);
        var lead = (a + b + x - 1) / (a - 1);
        for (var j = 0; j < k; j++)
            expected[j] = lead * (1 - Math.Pow((alpha + age) / (alpha + age + horizons[j]), r + x) * expected[j]);
    }
}
