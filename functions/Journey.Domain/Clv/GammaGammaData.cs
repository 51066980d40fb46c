using System.Runtime.InteropServices;

namespace Journey.Domain.Clv;

/// <summary>
/// Repeat customers compressed for the Gamma-Gamma likelihood: each distinct (x, m̄) once with its
/// count, ln m̄ computed once, the terms that depend on x alone once per distinct x per evaluation,
/// and the rest summed over fixed chunks in parallel (added in order: the same result on any
/// number of cores).
/// </summary>
internal sealed class GammaGammaData
{
    private const int ChunkSize = 16_384;

    private readonly double[] frequencies; // distinct x
    private readonly double[] frequencyWeights;
    private readonly int[] group;
    private readonly double[] value; // m̄
    private readonly double[] logValue;
    private readonly double[] weight;

    public int Customers { get; }
    public double MeanValue { get; }

    private GammaGammaData(double[] frequencies, double[] frequencyWeights, int[] group, double[] value, double[] weight, int customers, double meanValue)
    {
        this.frequencies = frequencies;
        this.frequencyWeights = frequencyWeights;
        this.group = group;
        this.value = value;
        logValue = [.. value.Select(v => Math.Log(v))];
        this.weight = weight;
        Customers = customers;
        MeanValue = meanValue;
    }

    /// <summary>Keeps the customers with x ≥ 1 and m̄ &gt; 0.</summary>
    /// <exception cref="ArgumentException">A frequency or value is not finite.</exception>
    public static GammaGammaData Compress(IEnumerable<SpendSummary> customers)
    {
        var counts = new Dictionary<SpendSummary, int>();
        var n = 0;
        var index = 0;
        var sum = 0.0;
        foreach (var c in customers)
        {
            if (!double.IsFinite(c.Frequency) || !double.IsFinite(c.AverageValue))
                throw new ArgumentException($"Customer {index} has frequency {c.Frequency} and average value {c.AverageValue}: both must be finite.", nameof(customers));
            index++;
            if (c.Frequency < 1 || c.AverageValue <= 0) continue;
            CollectionsMarshal.GetValueRefOrAddDefault(counts, c, out _)++;
            n++;
            sum += c.AverageValue;
        }

        var groups = new Dictionary<double, int>();
        var frequencies = new List<double>();
        var frequencyWeights = new List<double>();
        var group = new int[counts.Count];
        var value = new double[counts.Count];
        var weight = new double[counts.Count];
        var i = 0;
        foreach (var (spend, count) in counts)
        {
            if (!groups.TryGetValue(spend.Frequency, out var g))
            {
                g = groups[spend.Frequency] = frequencies.Count;
                frequencies.Add(spend.Frequency);
                frequencyWeights.Add(0);
            }
            frequencyWeights[g] += count;
            group[i] = g;
            value[i] = spend.AverageValue;
            weight[i] = count;
            i++;
        }
        return new GammaGammaData([.. frequencies], [.. frequencyWeights], group, value, weight, n, n == 0 ? 0 : sum / n);
    }

    /// <summary>ln L at <paramref name="parameters"/>; writes ∂ ln L / ∂(p, q, γ) into <paramref name="gradient"/>.</summary>
    public double Evaluate(GammaGammaParameters parameters, double[] gradient)
    {
        var (p, q, gamma) = (parameters.P, parameters.Q, parameters.Gamma);
        var k = frequencies.Length;
        var px = new double[k];
        double ll = 0, dp = 0, dq = 0, dgamma = 0;
        var lnGammaQ = SpecialFunctions.LogGamma(q);
        var psiQ = SpecialFunctions.Digamma(q);
        var lnGamma = Math.Log(gamma);
        for (var g = 0; g < k; g++)
        {
            var x = frequencies[g];
            var w = frequencyWeights[g];
            px[g] = p * x;
            var psiPxq = SpecialFunctions.Digamma(p * x + q);
            ll += w * (SpecialFunctions.LogGamma(p * x + q) - SpecialFunctions.LogGamma(p * x) - lnGammaQ + q * lnGamma + p * x * Math.Log(x));
            dp += w * x * (psiPxq - SpecialFunctions.Digamma(p * x) + Math.Log(x));
            dq += w * (psiPxq - psiQ + lnGamma);
            dgamma += w * q / gamma;
        }

        // per customer: S_ll = Σ w ((px−1) ln m − (px+q) L), S_p = Σ w x (ln m − L), S_q = Σ w L,
        // S_γ = Σ w (px+q)/(γ + x m), with L = ln(γ + x m)
        var chunks = (weight.Length + ChunkSize - 1) / ChunkSize;
        var sums = new double[chunks * 4];
        void Chunk(int c)
        {
            double sll = 0, sp = 0, sq = 0, sgamma = 0;
            var end = Math.Min(weight.Length, (c + 1) * ChunkSize);
            for (var i = c * ChunkSize; i < end; i++)
            {
                var g = group[i];
                var w = weight[i];
                var x = frequencies[g];
                var pxq = px[g] + q;
                var scale = gamma + x * value[i];
                var l = Math.Log(scale);
                sll += w * ((px[g] - 1) * logValue[i] - pxq * l);
                sp += w * x * (logValue[i] - l);
                sq += w * l;
                sgamma += w * pxq / scale;
            }
            sums[c * 4] = sll;
            sums[c * 4 + 1] = sp;
            sums[c * 4 + 2] = sq;
            sums[c * 4 + 3] = sgamma;
        }
        if (chunks == 1) Chunk(0);
        else Parallel.For(0, chunks, Chunk);

        for (var c = 0; c < chunks; c++)
        {
            ll += sums[c * 4];
            dp += sums[c * 4 + 1];
            dq -= sums[c * 4 + 2];
            dgamma -= sums[c * 4 + 3];
        }
        gradient[0] = dp;
        gradient[1] = dq;
        gradient[2] = dgamma;
        return ll;
    }
}
