using System.Runtime.InteropServices;

namespace Journey.Domain.Clv;

/// <summary>
/// Customers compressed for the BG/NBD likelihood: each distinct (x, t_x, T) once with its count
/// (t_x is irrelevant when x = 0, so those collapse onto T), and the terms that depend on x alone
/// (log-gamma and digamma values) computed once per distinct x per evaluation. ln L and its
/// gradient are summed over fixed chunks in parallel and the chunks' sums added in order, so a
/// fit gives the same result on any number of cores.
/// </summary>
internal sealed class BgNbdData
{
    private const int ChunkSize = 16_384;

    private readonly double[] frequencies; // distinct x
    private readonly double[] frequencyWeights; // customers per distinct x
    private readonly int[] group; // per history: index into frequencies
    private readonly double[] recency;
    private readonly double[] age;
    private readonly double[] weight;

    public int Customers { get; }
    public int Histories => weight.Length;
    public double MeanAge { get; }

    private BgNbdData(double[] frequencies, double[] frequencyWeights, int[] group, double[] recency, double[] age, double[] weight, int customers, double meanAge)
    {
        this.frequencies = frequencies;
        this.frequencyWeights = frequencyWeights;
        this.group = group;
        this.recency = recency;
        this.age = age;
        this.weight = weight;
        Customers = customers;
        MeanAge = meanAge;
    }

    /// <exception cref="ArgumentException">
    /// A summary is not a history: x must be a whole number ≥ 0, 0 ≤ t_x ≤ T, all finite.
    /// </exception>
    public static BgNbdData Compress(IEnumerable<RepeatSummary> customers)
    {
        var counts = new Dictionary<RepeatSummary, int>();
        var n = 0;
        var ageSum = 0.0;
        foreach (var c in customers)
        {
            if (!IsHistory(c))
                throw new ArgumentException($"Customer {n} has frequency {c.Frequency}, recency {c.Recency}, age {c.Age}: the frequency must be a whole number >= 0 and 0 <= recency <= age.", nameof(customers));
            var key = c.Frequency > 0 ? c : c with { Recency = 0 };
            CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _)++;
            n++;
            ageSum += c.Age;
        }

        var groups = new Dictionary<double, int>();
        var frequencies = new List<double>();
        var frequencyWeights = new List<double>();
        var group = new int[counts.Count];
        var recency = new double[counts.Count];
        var age = new double[counts.Count];
        var weight = new double[counts.Count];
        var i = 0;
        foreach (var (summary, count) in counts)
        {
            if (!groups.TryGetValue(summary.Frequency, out var g))
            {
                g = groups[summary.Frequency] = frequencies.Count;
                frequencies.Add(summary.Frequency);
                frequencyWeights.Add(0);
            }
            frequencyWeights[g] += count;
            group[i] = g;
            recency[i] = summary.Recency;
            age[i] = summary.Age;
            weight[i] = count;
            i++;
        }
        return new BgNbdData([.. frequencies], [.. frequencyWeights], group, recency, age, weight, n, n == 0 ? 0 : ageSum / n);
    }

    private static bool IsHistory(RepeatSummary c)
    {
        var (x, tx, t) = (c.Frequency, c.Recency, c.Age);
        return double.IsFinite(x) && double.IsFinite(tx) && double.IsFinite(t) && x >= 0 && x == Math.Floor(x) && tx >= 0 && tx <= t;
    }

    /// <summary>ln L at <paramref name="p"/>; writes ∂ ln L / ∂(r, α, a, b) into <paramref name="gradient"/>.</summary>
    public double Evaluate(BgNbdParameters p, double[] gradient)
    {
        var (r, alpha, a, b) = (p.R, p.Alpha, p.A, p.B);
        var k = frequencies.Length;
        var rx = new double[k]; // r + x
        var lnA4 = new double[k]; // ln a − ln(b + x − 1), x > 0
        var inverseBx1 = new double[k];
        double ll = 0, dr = 0, dalpha = 0, da = 0, db = 0;
        var lnAlpha = Math.Log(alpha);
        var lnGammaR = SpecialFunctions.LogGamma(r);
        var lnGammaAb = SpecialFunctions.LogGamma(a + b);
        var lnGammaB = SpecialFunctions.LogGamma(b);
        var psiR = SpecialFunctions.Digamma(r);
        var psiAb = SpecialFunctions.Digamma(a + b);
        var psiB = SpecialFunctions.Digamma(b);
        for (var g = 0; g < k; g++)
        {
            var x = frequencies[g];
            var w = frequencyWeights[g];
            rx[g] = r + x;
            if (x > 0)
            {
                lnA4[g] = Math.Log(a) - Math.Log(b + x - 1);
                inverseBx1[g] = 1 / (b + x - 1);
            }
            var psiAbx = SpecialFunctions.Digamma(a + b + x);
            ll += w * (SpecialFunctions.LogGamma(r + x) - lnGammaR + r * lnAlpha
                + lnGammaAb + SpecialFunctions.LogGamma(b + x) - lnGammaB - SpecialFunctions.LogGamma(a + b + x));
            dr += w * (SpecialFunctions.Digamma(r + x) - psiR + lnAlpha);
            dalpha += w * r / alpha;
            da += w * (psiAb - psiAbx);
            db += w * (psiAb + SpecialFunctions.Digamma(b + x) - psiB - psiAbx);
        }

        // per history: S_ll = Σ w ln(A3 + A4), S_r = Σ w (w3 ln(α+T) + w4 ln(α+t_x)),
        // S_α = Σ w (r+x)(w3/(α+T) + w4/(α+t_x)), S_a = Σ w w4, S_b = Σ w w4 / (b+x−1)
        var chunks = (weight.Length + ChunkSize - 1) / ChunkSize;
        var sums = new double[chunks * 5];
        void Chunk(int c)
        {
            double sll = 0, sr = 0, salpha = 0, sa = 0, sb = 0;
            var end = Math.Min(weight.Length, (c + 1) * ChunkSize);
            for (var i = c * ChunkSize; i < end; i++)
            {
                var g = group[i];
                var w = weight[i];
                var rxg = rx[g];
                var lnT = Math.Log(alpha + age[i]);
                var lnA3 = -rxg * lnT;
                if (frequencies[g] <= 0)
                {
                    sll += w * lnA3;
                    sr += w * lnT;
                    salpha += w * rxg / (alpha + age[i]);
                    continue;
                }
                var lnTx = Math.Log(alpha + recency[i]);
                var lnA4i = lnA4[g] - rxg * lnTx;
                // ln(A3 + A4) and the shares w3, w4 of the two terms, from whichever is larger
                var difference = lnA4i - lnA3;
                double total, w3, w4;
                if (difference <= 0)
                {
                    var e = Math.Exp(difference);
                    total = lnA3 + Math.Log(1 + e);
                    w4 = e / (1 + e);
                    w3 = 1 / (1 + e);
                }
                else
                {
                    var e = Math.Exp(-difference);
                    total = lnA4i + Math.Log(1 + e);
                    w3 = e / (1 + e);
                    w4 = 1 / (1 + e);
                }
                sll += w * total;
                sr += w * (w3 * lnT + w4 * lnTx);
                salpha += w * rxg * (w3 / (alpha + age[i]) + w4 / (alpha + recency[i]));
                sa += w * w4;
                sb += w * w4 * inverseBx1[g];
            }
            sums[c * 5] = sll;
            sums[c * 5 + 1] = sr;
            sums[c * 5 + 2] = salpha;
            sums[c * 5 + 3] = sa;
            sums[c * 5 + 4] = sb;
        }
        if (chunks == 1) Chunk(0);
        else Parallel.For(0, chunks, Chunk);

        for (var c = 0; c < chunks; c++)
        {
            ll += sums[c * 5];
            dr -= sums[c * 5 + 1];
            dalpha -= sums[c * 5 + 2];
            da += sums[c * 5 + 3] / a;
            db -= sums[c * 5 + 4];
        }
        gradient[0] = dr;
        gradient[1] = dalpha;
        gradient[2] = da;
        gradient[3] = db;
        return ll;
    }
}
