namespace Journey.Domain.Clv;

/// <summary>
/// Standard errors of maximum-likelihood estimates from the observed information: the Hessian of
/// −ln L at the optimum, by central differences of the analytic gradient (step 10⁻⁵ of each
/// parameter), symmetrised and inverted; the standard errors are the square roots of the inverse's
/// diagonal, on the scale the gradient is taken in.
/// </summary>
internal static class ObservedInformation
{
    /// <summary>
    /// <paramref name="gradient"/> returns ∇ ln L at a parameter vector. A Hessian that is not
    /// positive definite (a maximum on a bound, or a flat direction) gives NaN for every parameter.
    /// </summary>
    public static double[] StandardErrors(Func<double[], double[]> gradient, double[] at)
    {
        var n = at.Length;
        var information = new double[n, n];
        for (var j = 0; j < n; j++)
        {
            var h = 1e-5 * Math.Max(Math.Abs(at[j]), 1e-8);
            var up = (double[])at.Clone();
            var down = (double[])at.Clone();
            up[j] += h;
            down[j] -= h;
            var gUp = gradient(up);
            var gDown = gradient(down);
            for (var i = 0; i < n; i++) information[i, j] = -(gUp[i] - gDown[i]) / (up[j] - down[j]);
        }
        for (var i = 0; i < n; i++)
            for (var j = 0; j < i; j++)
                information[i, j] = information[j, i] = 0.5 * (information[i, j] + information[j, i]);

        var inverse = InvertPositiveDefinite(information);
        var errors = new double[n];
        for (var i = 0; i < n; i++) errors[i] = inverse is null ? double.NaN : Math.Sqrt(inverse[i, i]);
        return errors;
    }

    /// <summary>The inverse of a symmetric positive-definite matrix by its Cholesky factor; null when it is not positive definite.</summary>
    internal static double[,]? InvertPositiveDefinite(double[,] m)
    {
        var n = m.GetLength(0);
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = m[i, j];
                for (var k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                if (i == j)
                {
                    if (!(sum > 0) || !double.IsFinite(sum)) return null;
                    l[i, i] = Math.Sqrt(sum);
                }
                else
                {
                    l[i, j] = sum / l[j, j];
                }
            }
        }
        // inverse = L⁻ᵀ L⁻¹, column by column: solve L y = e_c, then Lᵀ x = y
        var inverse = new double[n, n];
        var y = new double[n];
        for (var c = 0; c < n; c++)
        {
            for (var i = 0; i < n; i++)
            {
                var sum = i == c ? 1.0 : 0.0;
                for (var k = 0; k < i; k++) sum -= l[i, k] * y[k];
                y[i] = sum / l[i, i];
            }
            for (var i = n - 1; i >= 0; i--)
            {
                var sum = y[i];
                for (var k = i + 1; k < n; k++) sum -= l[k, i] * inverse[k, c];
                inverse[i, c] = sum / l[i, i];
            }
        }
        return inverse;
    }
}
