using Journey.Application.Privacy;
using Journey.Application.Processing;
using Journey.Domain.Feedback;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Domain.Stages;
using Microsoft.Extensions.Logging.Abstractions;

namespace Journey.Testing;

/// <summary>Processors wired as the composition root wires them (one cache, one CustomerUpdate), over the stores a test brings.</summary>
public static class Processors
{
    public static JourneyProcessor Create(ICustomerStore customers, ITransitionStore transitions, IDeadLetterStore deadLetters, JourneyRulesOptions options, TimeProvider clock,
        IFeedbackStore? feedback = null, FeedbackOptions? feedbackOptions = null, IEnumerable<ICustomerChangeStep>? steps = null, SuppressionList? suppressions = null)
    {
        var update = new CustomerUpdate(new JourneyFold(options), options);
        var cache = new CachedCustomerStore(customers);
        var writer = new CustomerWriter(cache, transitions, update, clock, NullLogger<CustomerWriter>.Instance);
        var identity = new IdentityStitcher(cache, transitions, update, writer, clock, NullLogger<IdentityStitcher>.Instance);
        var capture = feedback is null ? null : new FeedbackCapture(new FeedbackExtractor(feedbackOptions ?? new FeedbackOptions()), feedback, NullLogger<FeedbackCapture>.Instance);
        return new JourneyProcessor(identity, writer, update, deadLetters, options, clock, NullLogger<JourneyProcessor>.Instance, [.. capture is null ? [] : new ICustomerChangeStep[] { capture }, .. steps ?? []], suppressions);
    }

    /// <summary>
    /// Hands the batch to <paramref name="processor"/> until it succeeds, as the Event Hubs trigger's
    /// retry policy and the local dispatcher do; returns how many attempts failed.
    /// </summary>
    public static async Task<int> DeliverUntilDoneAsync(IJourneyProcessor processor, IReadOnlyList<StreamRecord> batch, int maxAttempts = 10_000)
    {
        for (var failed = 0; ; failed++)
        {
            try
            {
                await processor.ProcessAsync(batch, CancellationToken.None);
                return failed;
            }
            catch (Exception) when (failed + 1 < maxAttempts)
            {
                // delivered again
            }
        }
    }
}
