using System.ClientModel;
using System.Globalization;
using Azure.AI.OpenAI;
using Journey.Domain.Ports;
using Microsoft.Extensions.Logging;
using OpenAI.Embeddings;

namespace Journey.Adapters.Summaries;

/// <summary>
/// Embeds texts with the Azure OpenAI embeddings deployment (<see cref="OpenAIOptions.EmbeddingDeployment"/>),
/// within one run's <see cref="OpenAIRunBudget"/>. A call's distinct texts go in requests of at most
/// <see cref="OpenAIOptions.EmbeddingBatchSize"/> texts and <see cref="OpenAIOptions.EmbeddingMaxCharsPerRequest"/>
/// characters (a longer text goes alone, cut to <see cref="MaxCharsPerText"/>), in order; each vector is
/// L2-normalized; an empty call sends nothing. Texts are sent as given (the summarizer redacts them before).
/// </summary>
/// <remarks>
/// Before the first request the whole call's tokens are estimated (<see cref="OpenAIRunBudget.EstimateTokens"/>):
/// when they would not fit in what is left of the run's budget, nothing is sent and
/// <see cref="SummarizerBudgetExceededException"/> is thrown; so is it when a later request no longer fits (the
/// service counted more tokens than estimated). Any failure of the service (throttled past its retries, an error,
/// an unusable answer) throws <see cref="TextEmbedderUnavailableException"/>. Either way no vector of the call is
/// returned: the summarizer then embeds the whole run with the local embedder.
/// </remarks>
public sealed class OpenAIEmbedder : ITextEmbedder
{
    /// <summary>A text is cut to this many characters (the embeddings models read at most 8,192 tokens of one input; reviews are far shorter).</summary>
    public const int MaxCharsPerText = 8_000;

    private readonly EmbeddingClient _client;
    private readonly string _deployment;
    private readonly OpenAIRunBudget _budget;
    private readonly int _batchSize;
    private readonly int _maxCharsPerRequest;
    private readonly int _maxRetries;
    private readonly ILogger _logger;

    /// <exception cref="ArgumentException">The options name no embeddings deployment, or are invalid.</exception>
    public OpenAIEmbedder(AzureOpenAIClient client, OpenAIOptions options, OpenAIRunBudget budget, ILogger<OpenAIEmbedder> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrWhiteSpace(options.EmbeddingDeployment))
            throw new ArgumentException($"{OpenAIOptions.EmbeddingDeploymentSetting} is not set: there is no embeddings deployment to call.", nameof(options));
        var endpoint = options.ResourceEndpoint ?? throw new ArgumentException($"{OpenAIOptions.EndpointSetting} is not a valid address.", nameof(options));
        _deployment = options.EmbeddingDeployment.Trim();
        _client = client.GetEmbeddingClient(_deployment);
        _budget = budget;
        _batchSize = options.EmbeddingBatchSize;
        _maxCharsPerRequest = options.EmbeddingMaxCharsPerRequest;
        _maxRetries = options.MaxRetries;
        _logger = logger;
        Model = $"azure-openai:{endpoint.Host}/{_deployment}";
    }

    /// <summary><c>azure-openai:{resource host}/{deployment}</c>: another resource or deployment embeds again.</summary>
    public string Model { get; }

    /// <exception cref="ArgumentException">A text is null, empty or only white space.</exception>
    /// <exception cref="SummarizerBudgetExceededException">The run's token or cost cap would be passed.</exception>
    /// <exception cref="TextEmbedderUnavailableException">The service failed or answered something unusable.</exception>
    public async Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) return [];

        // Each distinct text is sent once; duplicates get a copy of its vector.
        var distinct = new List<string>();
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var slots = new int[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i];
            if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException($"Text {i} is empty: there is nothing to embed.", nameof(texts));
            text = Cut(text, MaxCharsPerText);
            if (!indexOf.TryGetValue(text, out var slot))
            {
                slot = distinct.Count;
                indexOf.Add(text, slot);
                distinct.Add(text);
            }
            slots[i] = slot;
        }

        var estimated = distinct.Sum(OpenAIRunBudget.EstimateTokens);
        if (!_budget.Fits(OpenAICallKind.Embedding, estimated, 0))
            throw BudgetExceeded(FormattableString.Invariant($"embedding {distinct.Count} texts (about {estimated} tokens) would pass the run's cap ({_budget})"));

        var vectors = new float[distinct.Count][];
        var requests = 0;
        long tokens = 0;
        foreach (var (start, count) in Batches(distinct))
        {
            var batch = distinct.GetRange(start, count);
            using var reservation = _budget.TryReserve(OpenAICallKind.Embedding, batch.Sum(OpenAIRunBudget.EstimateTokens), 0)
                ?? throw BudgetExceeded(FormattableString.Invariant($"the next request ({count} texts) would pass the run's cap ({_budget})"));
            var (batchVectors, usedTokens) = await RequestAsync(batch, cancellationToken).ConfigureAwait(false);
            reservation.Complete(usedTokens, 0);
            batchVectors.CopyTo(vectors, start);
            requests++;
            tokens += usedTokens ?? 0;
            if (vectors[start].Length != vectors[0].Length)
                throw Unavailable(FormattableString.Invariant($"the answers' vectors have {vectors[0].Length} and {vectors[start].Length} dimensions"), null);
        }
        _logger.Embedded(_deployment, distinct.Count, requests, tokens, _budget.ToString());

        var result = new float[texts.Count][];
        var given = new bool[distinct.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var vector = vectors[slots[i]];
            result[i] = given[slots[i]] ? (float[])vector.Clone() : vector;
            given[slots[i]] = true;
        }
        return result;
    }

    /// <summary>Consecutive runs of texts, each at most the batch size and the characters per request (a longer text alone).</summary>
    private IEnumerable<(int Start, int Count)> Batches(List<string> texts)
    {
        var start = 0;
        var chars = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var count = i - start;
            if (count > 0 && (count == _batchSize || chars + texts[i].Length > _maxCharsPerRequest))
            {
                yield return (start, count);
                start = i;
                chars = 0;
            }
            chars += texts[i].Length;
        }
        yield return (start, texts.Count - start);
    }

    private async Task<(float[][] Vectors, long? Tokens)> RequestAsync(List<string> batch, CancellationToken cancellationToken)
    {
        OpenAIEmbeddingCollection answer;
        try
        {
            answer = (await _client.GenerateEmbeddingsAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (ClientResultException ex) when (ex.Status == 429)
        {
            throw Unavailable(FormattableString.Invariant($"it still answered 429 Too Many Requests after {_maxRetries} retries ({OpenAIOptions.MaxRetriesSetting})"), ex);
        }
        catch (ClientResultException ex)
        {
            throw Unavailable(ex.Status == 0 ? $"the request failed ({ex.Message})" : FormattableString.Invariant($"it answered {ex.Status}"), ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable($"the request failed or its answer could not be read ({ex.GetType().Name}: {ex.Message})", ex);
        }

        if (answer.Count != batch.Count)
            throw Unavailable(FormattableString.Invariant($"it answered {answer.Count} vectors for {batch.Count} texts"), null);
        var vectors = new float[batch.Count][];
        foreach (var embedding in answer)
        {
            if (embedding.Index < 0 || embedding.Index >= batch.Count || vectors[embedding.Index] is not null)
                throw Unavailable(FormattableString.Invariant($"its answer has a missing or repeated index ({embedding.Index})"), null);
            float[] vector;
            try
            {
                vector = embedding.ToFloats().ToArray();
            }
            catch (FormatException ex)
            {
                throw Unavailable("a vector of its answer could not be read", ex);
            }
            vectors[embedding.Index] = Normalized(vector) ?? throw Unavailable(FormattableString.Invariant($"vector {embedding.Index} of its answer is empty, zero or not finite"), null);
        }
        if (vectors.Any(v => v.Length != vectors[0].Length))
            throw Unavailable("the vectors of one answer have different dimensions", null);
        return (vectors, answer.Usage is { } usage ? usage.InputTokenCount : null);
    }

    /// <summary>The vector scaled to length 1; null when it cannot be (empty, zero, not finite).</summary>
    private static float[]? Normalized(float[] vector)
    {
        var sum = 0.0;
        foreach (var x in vector) sum += (double)x * x;
        if (vector.Length == 0 || !double.IsFinite(sum) || sum <= 0) return null;
        var norm = Math.Sqrt(sum);
        for (var i = 0; i < vector.Length; i++) vector[i] = (float)(vector[i] / norm);
        return vector;
    }

    /// <summary>The first <paramref name="max"/> characters, never ending inside a surrogate pair.</summary>
    internal static string Cut(string text, int max)
    {
        if (text.Length <= max) return text;
        var length = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..length];
    }

    private SummarizerBudgetExceededException BudgetExceeded(string reason)
    {
        var message = $"Azure OpenAI embeddings ({_deployment}) not called: {reason}. Raise {OpenAIOptions.MaxTokensPerRunSetting} or {OpenAIOptions.MaxCostPerRunSetting}, or let this run use the local embedder.";
        _logger.EmbeddingStopped(null, _deployment, reason);
        return new SummarizerBudgetExceededException(message);
    }

    private TextEmbedderUnavailableException Unavailable(string reason, Exception? inner)
    {
        var message = string.Create(CultureInfo.InvariantCulture, $"Azure OpenAI embeddings ({_deployment}) unavailable: {reason}.");
        _logger.EmbeddingStopped(inner, _deployment, reason);
        return inner is null ? new TextEmbedderUnavailableException(message) : new TextEmbedderUnavailableException(message, inner);
    }
}
