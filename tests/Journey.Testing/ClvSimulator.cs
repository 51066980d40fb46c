using Journey.Domain.Clv;

namespace Journey.Testing;

/// <summary>
/// Customers drawn from known BG/NBD and Gamma-Gamma parameters with a seeded generator, so tests
/// (and the CLV benchmark, which links this file) need no data file. Each customer has a purchase
/// rate λ ~ Gamma(r, α), a dropout probability p ~ Beta(a, b) and an age T uniform in (0, maxAge];
/// purchases after the first arrive as a Poisson process with rate λ and after each one the
/// customer leaves with probability p. Spend: ν ~ Gamma(q, γ) per customer, each transaction
/// ~ Gamma(p, ν), so the mean of x of them ~ Gamma(p·x, x·ν).
/// </summary>
public static class ClvSimulator
{
    /// <param name="wholeDays">Ages and recencies in whole days and values in cents, as the daily job sees them.</param>
    public static List<ClvCustomer> Simulate(int count, BgNbdParameters purchases, GammaGammaParameters spend, double maxAge, int seed, bool wholeDays = false)
    {
        var random = new Random(seed);
        var customers = new List<ClvCustomer>(count);
        for (var i = 0; i < count; i++)
        {
            var age = wholeDays ? random.Next(1, (int)maxAge + 1) : maxAge * (1 - random.NextDouble());
            var rate = Gamma(random, purchases.R) / purchases.Alpha;
            var dropout = Beta(random, purchases.A, purchases.B);
            double t = 0, recency = 0;
            var frequency = 0;
            while (true)
            {
                t += -Math.Log(1 - random.NextDouble()) / rate;
                if (t > age) break;
                frequency++;
                recency = t;
                if (random.NextDouble() < dropout) break;
            }
            if (wholeDays) recency = Math.Min(Math.Ceiling(recency), age);
            var value = 0.0;
            if (frequency > 0)
            {
                var scale = Gamma(random, spend.Q) / spend.Gamma;
                value = Gamma(random, spend.P * frequency) / (frequency * scale);
                if (wholeDays) value = Math.Max(0.01, Math.Round(value, 2));
            }
            customers.Add(new ClvCustomer(new RepeatSummary(frequency, recency, age), value));
        }
        return customers;
    }

    /// <summary>Gamma(shape, 1) by Marsaglia &amp; Tsang (2000); shapes below 1 through Gamma(shape + 1)·U^(1/shape).</summary>
    public static double Gamma(Random random, double shape)
    {
        if (shape < 1) return Gamma(random, shape + 1) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double z, v;
            do
            {
                z = Normal(random);
                v = 1 + c * z;
            }
            while (v <= 0);
            v = v * v * v;
            var u = 1 - random.NextDouble();
            if (Math.Log(u) < 0.5 * z * z + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    private static double Beta(Random random, double a, double b)
    {
        var x = Gamma(random, a);
        return x / (x + Gamma(random, b));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
