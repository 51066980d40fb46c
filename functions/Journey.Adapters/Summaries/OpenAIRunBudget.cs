using System.Text;

namespace Journey.Adapters.Summaries;

/// <summary>What a call to Azure OpenAI is priced as.</summary>
public enum OpenAICallKind
{
    /// <summary>A chat completion: input and output tokens at the chat prices.</summary>
    Chat,

    /// <summary>An embeddings request: input tokens at the embeddings price.</summary>
    Embedding,
}

/// <summary>
/// The token and cost caps of one summarizer run (<see cref="OpenAIOptions.MaxTokensPerRun"/>,
/// <see cref="OpenAIOptions.MaxCostPerRun"/>), shared by the run's embedder and namer: one instance per run,
/// made by <see cref="OpenAIRunFactory.StartRun"/>. Before a call its tokens are estimated and reserved
/// (<see cref="TryReserve"/>); a call that would pass a cap is not made. When the call returns, the
/// service's usage numbers replace the estimate (<see cref="OpenAIBudgetReservation.Complete"/>); a failed
/// call is released (Azure OpenAI does not bill a request it refused). Thread-safe.
/// </summary>
public sealed class OpenAIRunBudget
{
    private readonly Lock _lock = new();
    private readonly decimal _chatInputPrice;
    private readonly decimal _chatOutputPrice;
    private readonly decimal _embeddingPrice;
    private long _tokens;
    private decimal _cost;
    private int _calls;

    public OpenAIRunBudget(OpenAIOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        MaxTokens = options.MaxTokensPerRun;
        MaxCost = options.MaxCostPerRun;
        _chatInputPrice = options.ChatInputPricePer1KTokens;
        _chatOutputPrice = options.ChatOutputPricePer1KTokens;
        _embeddingPrice = options.EmbeddingPricePer1KTokens;
    }

    /// <summary>The run's token cap.</summary>
    public long MaxTokens { get; }

    /// <summary>The run's cost cap, in the prices' currency.</summary>
    public decimal MaxCost { get; }

    /// <summary>Tokens spent so far: the service's counts of the completed calls, plus the estimates of the calls in flight.</summary>
    public long TokensUsed
    {
        get
        {
            lock (_lock) return _tokens;
        }
    }

    /// <summary>Cost so far, counted like <see cref="TokensUsed"/>.</summary>
    public decimal CostUsed
    {
        get
        {
            lock (_lock) return _cost;
        }
    }

    /// <summary>Calls completed so far (failed calls not counted).</summary>
    public int Calls
    {
        get
        {
            lock (_lock) return _calls;
        }
    }

    /// <summary>
    /// Tokens of <paramref name="text"/> as estimated before a call: its UTF-8 bytes / 4, rounded up (about
    /// characters / 4 for English, the usual rule of thumb for OpenAI's tokenizers; more for other scripts,
    /// which the tokenizers split more finely). The service's usage numbers correct the estimate after the call.
    /// </summary>
    public static long EstimateTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return (Encoding.UTF8.GetByteCount(text) + 3L) / 4;
    }

    /// <summary>The cost of a call of <paramref name="kind"/> with these token counts.</summary>
    public decimal Cost(OpenAICallKind kind, long inputTokens, long outputTokens) => kind switch
    {
        OpenAICallKind.Chat => (inputTokens * _chatInputPrice + outputTokens * _chatOutputPrice) / 1000m,
        _ => (inputTokens + outputTokens) * _embeddingPrice / 1000m,
    };

    /// <summary>True when a call of these estimated tokens fits in what is left of both caps (nothing is reserved).</summary>
    public bool Fits(OpenAICallKind kind, long inputTokens, long maxOutputTokens)
    {
        var tokens = checked(inputTokens + maxOutputTokens);
        var cost = Cost(kind, inputTokens, maxOutputTokens);
        lock (_lock) return _tokens + tokens <= MaxTokens && _cost + cost <= MaxCost;
    }

    /// <summary>
    /// Reserves a call's estimated tokens (<paramref name="maxOutputTokens"/>: the output allowance of a chat
    /// call, 0 for embeddings); null when the call would pass either cap (then nothing is reserved).
    /// </summary>
    public OpenAIBudgetReservation? TryReserve(OpenAICallKind kind, long inputTokens, long maxOutputTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(maxOutputTokens);
        var tokens = checked(inputTokens + maxOutputTokens);
        var cost = Cost(kind, inputTokens, maxOutputTokens);
        lock (_lock)
        {
            if (_tokens + tokens > MaxTokens || _cost + cost > MaxCost) return null;
            _tokens += tokens;
            _cost += cost;
        }
        return new OpenAIBudgetReservation(this, kind, tokens, cost);
    }

    /// <summary>A description of what is spent, for log lines and exception messages.</summary>
    public override string ToString()
    {
        lock (_lock) return FormattableString.Invariant($"{_tokens} of {MaxTokens} tokens, {_cost:0.######} of {MaxCost:0.######} spent in {_calls} calls");
    }

    internal void Settle(OpenAICallKind kind, long reservedTokens, decimal reservedCost, long? inputTokens, long? outputTokens)
    {
        // Without the service's counts the estimate stays (it is an upper bound for the output).
        var tokens = inputTokens is { } i ? i + (outputTokens ?? 0) : reservedTokens;
        var cost = inputTokens is { } input ? Cost(kind, input, outputTokens ?? 0) : reservedCost;
        lock (_lock)
        {
            _tokens += tokens - reservedTokens;
            _cost += cost - reservedCost;
            _calls++;
        }
    }

    internal void Release(long reservedTokens, decimal reservedCost)
    {
        lock (_lock)
        {
            _tokens -= reservedTokens;
            _cost -= reservedCost;
        }
    }
}

/// <summary>One call's reservation in an <see cref="OpenAIRunBudget"/>: completed with the service's counts, or released when the call failed (disposing an uncompleted reservation releases it).</summary>
public sealed class OpenAIBudgetReservation : IDisposable
{
    private readonly OpenAIRunBudget _budget;
    private readonly OpenAICallKind _kind;
    private readonly long _tokens;
    private readonly decimal _cost;
    private bool _done;

    internal OpenAIBudgetReservation(OpenAIRunBudget budget, OpenAICallKind kind, long tokens, decimal cost)
    {
        _budget = budget;
        _kind = kind;
        _tokens = tokens;
        _cost = cost;
    }

    /// <summary>The call returned: its usage as the service counted it (null: the answer had none, the estimate stays).</summary>
    public void Complete(long? inputTokens, long? outputTokens)
    {
        if (_done) return;
        _done = true;
        _budget.Settle(_kind, _tokens, _cost, inputTokens, outputTokens);
    }

    /// <summary>Releases the reservation unless <see cref="Complete"/> was called.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _budget.Release(_tokens, _cost);
    }
}
