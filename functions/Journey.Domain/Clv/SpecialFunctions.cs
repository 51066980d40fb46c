namespace Journey.Domain.Clv;

/// <summary>The special functions the CLV models need, in double precision.</summary>
public static class SpecialFunctions
{
    private static readonly double[] LanczosCoefficients =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos approximation, g = 7, about 15 significant digits).</summary>
    public static double LogGamma(double x)
    {
        if (x <= 0) throw new ArgumentOutOfRangeException(nameof(x), x, "LogGamma needs x > 0.");
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        var a = LanczosCoefficients[0];
        var t = x + 7.5;
        for (var i = 1; i < LanczosCoefficients.Length; i++) a += LanczosCoefficients[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    /// <summary>The digamma function ψ(x) = d ln Γ(x) / dx for x &gt; 0 (recurrence up to 6, then the asymptotic series).</summary>
    public static double Digamma(double x)
    {
        if (x <= 0) throw new ArgumentOutOfRangeException(nameof(x), x, "Digamma needs x > 0.");
        var result = 0.0;
        while (x < 6)
        {
            result -= 1 / x;
            x += 1;
        }
        var f = 1 / (x * x);
        return result + Math.Log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
    }

    /// <summary>ln(e^a + e^b) without overflow.</summary>
    public static double LogSumExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        var max = Math.Max(a, b);
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }

    /// <summary>The Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z &lt; 1, by its power series.</summary>
    public static double Hypergeometric2F1(double a, double b, double c, double z)
    {
        Span<double> result = stackalloc double[1];
        Hypergeometric2F1(a, b, c, [z], result);
        return result[0];
    }

    /// <summary>
    /// ₂F₁(a, b; c; z) at several z (each 0 ≤ z &lt; 1) in one pass: the series' coefficients are
    /// shared, so k arguments cost little more than the one closest to 1.
    /// </summary>
    public static void Hypergeometric2F1(double a, double b, double c, ReadOnlySpan<double> z, Span<double> result)
    {
        if (result.Length < z.Length) throw new ArgumentException("result is shorter than z.", nameof(result));
        foreach (var value in z)
            if (!(value >= 0 && value < 1)) throw new ArgumentOutOfRangeException(nameof(z), value, "The series needs 0 <= z < 1.");
        Span<double> power = z.Length <= 64 ? stackalloc double[z.Length] : new double[z.Length];
        power.Fill(1);
        result[..z.Length].Fill(1);
        var coefficient = 1.0;
        for (var n = 0; n < 100_000; n++)
        {
            coefficient *= (a + n) * (b + n) / ((c + n) * (n + 1));
            var converged = true;
            for (var j = 0; j < z.Length; j++)
            {
                power[j] *= z[j];
                var term = coefficient * power[j];
                result[j] += term;
                if (Math.Abs(term) > 1e-15 * Math.Abs(result[j])) converged = false;
            }
            if (converged) return;
        }
        throw new InvalidOperationException($"2F1({a}, {b}; {c}; z) did not converge.");
    }
}
