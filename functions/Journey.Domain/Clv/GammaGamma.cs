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

    /// <summary>The gradient of ln L for one customer with respect to (p, q, γ).</summary>
    public static (double P, double Q, double Gamma) Gradient(GammaGammaParameters g, SpendSummary c)
    {
        var (p, q, gamma) = (g.P, g.Q, g.Gamma);
        var x = c.Frequency;
        var m = c.AverageValue;
        var lnGammaXm = Math.Log(gamma + x * m);
        var psiPxq = SpecialFunctions.Digamma(p * x + q);
        var dp = x * (psiPxq - SpecialFunctions.Digamma(p * x) + Math.Log(m) + Math.Log(x) - lnGammaXm);
        var dq = psiPxq - SpecialFunctions.Digamma(q) + Math.Log(gamma) - lnGammaXm;
        var dgamma = q / gamma - (p * x + q) / (gamma + x * m);
        return (dp, dq, dgamma);
    }

    /// <summary>
    /// Maximum-likelihood fit on the customers with repeat transactions and a positive average value
    /// (others are skipped): bounded L-BFGS on the logs of the parameters with the analytic gradient,
    /// over the distinct (x, m̄) pairs, evaluated in parallel chunks.
    /// </summary>
    /// <exception cref="ArgumentException">No usable customer, or a value that is not finite.</exception>
    /// <exception cref="InvalidOperationException">The optimizer did not converge.</exception>
    public static GammaGammaFit Fit(IEnumerable<SpendSummary> customers) => Fit(GammaGammaData.Compress(customers));

    internal static GammaGammaFit Fit(GammaGammaData data)
    {
        var clock = Stopwatch.StartNew();
        if (data.Customers == 0) throw new ArgumentException("There are no repeat customers with a positive spend to fit.", nameof(data));
        // start at p = 1, q = 2, γ = the mean of the averages: the model's mean spend p·γ/(q − 1) then equals it
        var (theta, logLikelihood, evaluations) = MaximumLikelihood.Fit("Gamma-Gamma", LogLikelihoodOf(data), [1, 2, data.MeanValue], data.Customers);
        return new GammaGammaFit(new GammaGammaParameters(theta[0], theta[1], theta[2]), logLikelihood, data.Customers, evaluations, clock.Elapsed);
    }

    /// <summary>Standard errors of (p, q, γ) at <paramref name="at"/> (normally the fit) from the observed information; NaN where it is not positive definite.</summary>
    public static GammaGammaParameters StandardErrors(GammaGammaParameters at, IEnumerable<SpendSummary> customers) => StandardErrors(at, GammaGammaData.Compress(customers));

    internal static GammaGammaParameters StandardErrors(GammaGammaParameters at, GammaGammaData data)
    {
        var errors = MaximumLikelihood.StandardErrors(LogLikelihoodOf(data), [at.P, at.Q, at.Gamma]);
        return new GammaGammaParameters(errors[0], errors[1], errors[2]);
    }

    private static MaximumLikelihood.LogLikelihood LogLikelihoodOf(GammaGammaData data) =>
        (theta, gradient) => data.Evaluate(new GammaGammaParameters(theta[0], theta[1], theta[2]), gradient);

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
