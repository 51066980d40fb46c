using System.Numerics;
using System.Runtime.InteropServices;

namespace Journey.Domain.PainPoints;

/// <summary>Dot products and norms over float vectors (SIMD where the machine has it).</summary>
internal static class VectorMath
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var length = Math.Min(a.Length, b.Length);
        var sum = Vector<float>.Zero;
        var i = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<float>.Count)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a[..length]);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b[..length]);
            for (var v = 0; v < va.Length; v++) sum += va[v] * vb[v];
            i = va.Length * Vector<float>.Count;
        }

        var total = Vector.Sum(sum);
        for (; i < length; i++) total += a[i] * b[i];
        return total;
    }

    /// <summary>Scales <paramref name="vector"/> to length 1 in place (a zero vector stays zero).</summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = MathF.Sqrt(Dot(vector, vector));
        if (norm <= 0 || float.IsNaN(norm)) return;
        var scale = 1f / norm;
        for (var i = 0; i < vector.Length; i++) vector[i] *= scale;
    }

    /// <summary>target += source × scale.</summary>
    public static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float scale)
    {
        for (var i = 0; i < target.Length; i++) target[i] += source[i] * scale;
    }

    /// <summary>A 64-bit FNV-1a hash of the vector's bits: the order key that makes clustering independent of input order.</summary>
    public static ulong Hash(ReadOnlySpan<float> vector)
    {
        unchecked
        {
            var hash = 14695981039346656037UL;
            foreach (var b in MemoryMarshal.AsBytes(vector))
            {
                hash ^= b;
                hash *= 1099511628211UL;
            }

            return hash;
        }
    }
}
