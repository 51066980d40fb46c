namespace Journey.Domain.Tests.PainPoints;

/// <summary>Well-separated clusters of unit vectors: each blob around its own axis, with Gaussian noise.</summary>
internal static class Blobs
{
    public static (List<float[]> Vectors, int[] Truth) Make(int[] sizes, int dimensions = 32, double noise = 0.15, int seed = 7)
    {
        var random = new Random(seed);
        var vectors = new List<float[]>();
        var truth = new List<int>();
        for (var blob = 0; blob < sizes.Length; blob++)
            for (var i = 0; i < sizes[blob]; i++)
            {
                var vector = new float[dimensions];
                for (var d = 0; d < dimensions; d++) vector[d] = (float)(Gaussian(random) * noise);
                vector[blob % dimensions] += 1f;
                vectors.Add(Normalized(vector));
                truth.Add(blob);
            }

        return (vectors, truth.ToArray());
    }

    public static float[] Normalized(float[] vector)
    {
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return vector.Select(v => v / norm).ToArray();
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
