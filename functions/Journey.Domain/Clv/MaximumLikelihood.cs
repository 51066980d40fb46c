namespace Journey.Domain.Clv;

/// <summary>
/// The maximum-likelihood fit both CLV models share: the parameters are positive, so L-BFGS works on
/// their logarithms within ±<see cref="LogBound"/> of the start (d/d ln θ = θ · d/dθ), minimising
/// −ln L per customer so the scale does not depend on the data size; standard errors from the
/// observed information at the optimum, on the natural scale.
/// </summary>
internal static class MaximumLikelihood
{
    /// <summary>How far (in ln θ) the optimizer may go from the start: a factor e^15 ≈ 3.3 million either way.</summary>
    private const double LogBound = 15;

    /// <summary>Σ ln L at natural parameters θ; its gradient with respect to θ goes into the second array.</summary>
    public delegate double LogLikelihood(double[] theta, double[] gradient);

    /// <summary>The maximising θ, the ln L it reaches and the evaluations it took.</summary>
    /// <exception cref="InvalidOperationException">The optimizer did not converge (the message names <paramref name="model"/>).</exception>
    public static (double[] Theta, double LogLikelihood, int Evaluations) Fit(string model, LogLikelihood logLikelihood, double[] start, int customers)
    {
        double[] logStart = [.. start.Select(v => Math.Log(v))];
        double[] lower = [.. logStart.Select(s => s - LogBound)];
        double[] upper = [.. logStart.Select(s => s + LogBound)];
        var theta = new double[start.Length];
        var natural = new double[start.Length];

        double Objective(double[] logs, double[] gradient)
        {
            for (var i = 0; i < logs.Length; i++) theta[i] = Math.Exp(logs[i]);
            var ll = logLikelihood(theta, natural);
            if (!double.IsFinite(ll)) return double.PositiveInfinity;
            for (var i = 0; i < logs.Length; i++) gradient[i] = -natural[i] * theta[i] / customers;
            return -ll / customers;
        }

        var result = BoundedLbfgs.Minimize(Objective, logStart, lower, upper);
        if (!result.Converged)
            throw new InvalidOperationException($"The {model} fit did not converge ({result.Status} after {result.Iterations} iterations, projected gradient {result.ProjectedGradientNorm:G3}).");
        return ([.. result.Minimum.Select(v => Math.Exp(v))], -result.Value * customers, result.Evaluations);
    }

    /// <summary>Standard errors of θ at <paramref name="at"/>; NaN where the information matrix is not positive definite.</summary>
    public static double[] StandardErrors(LogLikelihood logLikelihood, double[] at) =>
        ObservedInformation.StandardErrors(
            theta =>
            {
                var gradient = new double[theta.Length];
                logLikelihood(theta, gradient);
                return gradient;
            },
            at);
}
