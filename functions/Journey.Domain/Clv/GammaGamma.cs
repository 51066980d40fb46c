using System.Diagnostics;

namespace Journey.Domain.Clv;

/// <summary>A repeat customer's spend: <see cref="Frequency"/> (x) repeat transactions and their average value (m̄).</summary>
public readonly record struct SpendSummary(double Frequency, double AverageValue);

/// <summary>Gamma-Gamma parameters: p (shape of the transaction-value gamma), and its scale's gamma (q, γ).</summary>
public sealed record GammaGammaParameters(double P, double Q, double Gamma);

public sealed record GammaGammaFit(GammaGammaParameters Parameters, double LogLikelihood, int Customers, int Evaluations, TimeSpan FitTime);

/// <summary>
/// The Gamma-Gamma model of spend per transaction (Fader &amp; Hardie 2013, "The Gamma-Gamma Model
/// of Monetary Value"), fitted on customers with at least one repeat transaction; it gives each
/// customer's expected average order value, shrinking their own average toward the population's.
/// </summary>
public static class GammaGamma
{
    /// <summary>ln L for one customer (x ≥ 1, m̄ &gt; 0).</summary>
    public static double LogLikelihood(GammaGammaParameters g, SpendSummary c)
    {
        var (p, q, gamma) = (g.P, g.Q, g.Gamma);
        var x = c.Frequency;
        var m = c.AverageValue;
        return SpecialFunctions.LogGamma(p * x + q) - SpecialFunctions.LogGamma(p * x) - SpecialFunctions.LogGamma(q)
            + q * Math.Log(gamma) + (p * x - 1) * Math.Log(m) + p * x * Math.Log(x) - (p * x + q) * Math.Log(gamma + x * m);
    }

    /// <summary>Maximum-likelihood fit on the customers with repeat transactions and a positive average value.</summary>
    public static GammaGammaFit Fit(IEnumerable<SpendSummary> customers)
    {
        var clock = Stopwatch.StartNew();
        var usable = customers.Where(c => c.Frequency >= 1 && c.AverageValue > 0).GroupBy(c => c).Select(g => (g.Key, g.Count())).ToList();
        var n = usable.Sum(u => u.Item2);
        if (n == 0) throw new ArgumentException("There are no repeat customers with a positive spend to fit.", nameof(customers));

        double Objective(double[] logs)
        {
            if (logs.Any(v => v is < -12 or > 12)) return double.MaxValue;
            var g = new GammaGammaParameters(Math.Exp(logs[0]), Math.Exp(logs[1]), Math.Exp(logs[2]));
            var ll = 0.0;
            foreach (var (c, count) in usable) ll += count * LogLikelihood(g, c);
            return double.IsFinite(ll) ? -ll : double.MaxValue;
        }

        var result = NelderMead.Minimize(Objective, [0, 0, 0]);
        var m = result.Minimum;
        return new GammaGammaFit(new GammaGammaParameters(Math.Exp(m[0]), Math.Exp(m[1]), Math.Exp(m[2])), -result.Value, n, result.Evaluations, clock.Elapsed);
    }

    /// <summary>
    /// Expected average transaction value of a customer; without repeat transactions, the
    /// population mean p·γ/(q − 1).
    /// </summary>
    public static double ExpectedAverageValue(GammaGammaParameters g, SpendSummary c)
    {
        if (c.Frequency < 1 || c.AverageValue <= 0) return g.P * g.Gamma / (g.Q - 1);
        return g.P * (g.Gamma + c.Frequency * c.AverageValue) / (g.P * c.Frequency + g.Q - 1);
    }
}
