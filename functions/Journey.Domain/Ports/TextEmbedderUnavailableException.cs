namespace Journey.Domain.Ports;

/// <summary>
/// A remote <see cref="ITextEmbedder"/> (Azure OpenAI) cannot embed this run's texts: the service failed or
/// kept throttling past its retries, or its answer was unusable. No vector of the call is returned; the
/// summarizer embeds the whole run with the local embedder instead (vectors of two models are never mixed).
/// </summary>
public class TextEmbedderUnavailableException : Exception
{
    public TextEmbedderUnavailableException()
    {
    }

    public TextEmbedderUnavailableException(string message)
        : base(message)
    {
    }

    public TextEmbedderUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The run's token or cost cap would be passed by the next call to the model: the embedder sends nothing
/// more and throws this (the summarizer falls back to the local embedder for the whole run, as for any
/// <see cref="TextEmbedderUnavailableException"/>); the namer instead leaves the remaining clusters unnamed.
/// </summary>
public sealed class SummarizerBudgetExceededException : TextEmbedderUnavailableException
{
    public SummarizerBudgetExceededException()
    {
    }

    public SummarizerBudgetExceededException(string message)
        : base(message)
    {
    }

    public SummarizerBudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
