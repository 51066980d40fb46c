using System.ClientModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.AI.OpenAI;
using Journey.Domain.Ports;
using Microsoft.Extensions.Logging;
using OpenAI.Chat;

namespace Journey.Adapters.Summaries;

/// <summary>
/// Names clusters with the Azure OpenAI chat deployment (<see cref="OpenAIOptions.Deployment"/>): one call per
/// cluster, in the order given, within one run's <see cref="OpenAIRunBudget"/>. The model is asked for
/// structured JSON (a strict JSON schema: <c>{"label", "summary", "suggestedFix"}</c>), which is validated by
/// <see cref="ParseAnswer"/>; a cluster whose answer is unusable gets null (its local label stays).
/// </summary>
/// <remarks>
/// The request carries only the sketch: its local label, key phrases, quotes (redacted upstream), count and
/// average rating. When the next call would pass the run's token or cost cap (its input estimated with
/// <see cref="OpenAIRunBudget.EstimateTokens"/>, its output counted at <see cref="MaxOutputTokens"/>), no more
/// calls are made and the remaining clusters get null, so the clusters to name first come first. A call the
/// service rejects (400, e.g. its content filter) gives null for that cluster; any other failure (throttled past
/// the retries, 401, 403, 404, 5xx, the network) stops the naming: that cluster and the rest get null.
/// Cancellation is thrown.
/// </remarks>
public sealed class OpenAIClusterNamer : IClusterNamer
{
    /// <summary>The output allowance of one answer (a label, two sentences and the JSON around them take about 200).</summary>
    public const int MaxOutputTokens = 400;

    /// <summary>Longest label accepted.</summary>
    public const int MaxLabelLength = 60;

    /// <summary>Longest summary, and longest suggested fix, accepted.</summary>
    public const int MaxSentenceLength = 300;

    /// <summary>Most key phrases put in a request.</summary>
    public const int MaxKeyPhrases = 15;

    /// <summary>Most quotes put in a request.</summary>
    public const int MaxQuotes = 5;

    /// <summary>A quote is cut to this many characters in a request.</summary>
    public const int MaxQuoteLength = 600;

    /// <summary>The system prompt: what the model is asked to answer.</summary>
    public const string SystemPrompt =
        "You name the pain points of an online shop's customers for its customer-experience team. " +
        "You are given one cluster of negative customer feedback: how many texts it has, their average rating, " +
        "a provisional label, its key phrases and a few representative quotes (personal data in them is already " +
        "replaced by placeholders such as [email] or [phone]). Answer with one JSON object with exactly these " +
        "string fields: \"label\": the pain point as a short heading of at most 6 words (at most 60 characters); " +
        "\"summary\": one sentence (at most 300 characters) saying what these customers complain about; " +
        "\"suggestedFix\": one sentence (at most 300 characters) with a concrete action the shop could take. " +
        "Write in English. Use only what the quotes and phrases support; never include names, email addresses, " +
        "phone numbers or other personal data.";

    private static readonly BinaryData Schema = BinaryData.FromString(
        """
        {
          "type": "object",
          "properties": {
            "label": { "type": "string", "description": "The pain point as a short heading, at most 60 characters." },
            "summary": { "type": "string", "description": "One sentence, at most 300 characters: what customers complain about." },
            "suggestedFix": { "type": "string", "description": "One sentence, at most 300 characters: a concrete action for the shop." }
          },
          "required": ["label", "summary", "suggestedFix"],
          "additionalProperties": false
        }
        """);

    private readonly ChatClient _client;
    private readonly string _deployment;
    private readonly OpenAIRunBudget _budget;
    private readonly ILogger _logger;

    /// <exception cref="ArgumentException">The options name no chat deployment.</exception>
    public OpenAIClusterNamer(AzureOpenAIClient client, OpenAIOptions options, OpenAIRunBudget budget, ILogger<OpenAIClusterNamer> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrWhiteSpace(options.Deployment))
            throw new ArgumentException($"{OpenAIOptions.DeploymentSetting} is not set: there is no chat deployment to call.", nameof(options));
        _deployment = options.Deployment.Trim();
        _client = client.GetChatClient(_deployment);
        _budget = budget;
        _logger = logger;
    }

    public async Task<IReadOnlyList<ClusterName?>> NameAsync(IReadOnlyList<ClusterSketch> clusters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        var names = new ClusterName?[clusters.Count];
        var named = 0;
        for (var i = 0; i < clusters.Count; i++)
        {
            var sketch = clusters[i];
            var prompt = UserMessage(sketch);
            var estimated = OpenAIRunBudget.EstimateTokens(SystemPrompt) + OpenAIRunBudget.EstimateTokens(prompt) + 12;
            using var reservation = _budget.TryReserve(OpenAICallKind.Chat, estimated, MaxOutputTokens);
            if (reservation is null)
            {
                _logger.NamingBudgetReached(sketch.Index, estimated + MaxOutputTokens, _budget.ToString(), clusters.Count - i - 1);
                break;
            }

            ChatCompletion completion;
            try
            {
                completion = (await _client.CompleteChatAsync([new SystemChatMessage(SystemPrompt), new UserChatMessage(prompt)], RequestOptions(), cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (ClientResultException ex) when (ex.Status is 400 or 422)
            {
                _logger.NamingFailed(ex, sketch.Index, ex.Status);
                continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.NamingStopped(ex, sketch.Index, (ex as ClientResultException)?.Status ?? 0, clusters.Count - i - 1);
                break;
            }
            reservation.Complete(completion.Usage?.InputTokenCount, completion.Usage?.OutputTokenCount);

            names[i] = Read(completion, out var problem);
            if (names[i] is null) _logger.NameRejected(sketch.Index, problem);
            else named++;
        }
        _logger.Named(named, clusters.Count, _deployment, _budget.ToString());
        return names;
    }

    /// <summary>The user message for one cluster: only what the sketch holds.</summary>
    public static string UserMessage(ClusterSketch sketch)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Texts in the cluster: {sketch.Texts}\n");
        text.Append("Average rating (1 to 5): ").Append(sketch.AverageRating is { } rating ? rating.ToString("0.0", CultureInfo.InvariantCulture) : "none").Append('\n');
        text.Append("Provisional label: ").Append(sketch.LocalLabel).Append('\n');
        text.Append("Key phrases: ").AppendJoin("; ", sketch.KeyPhrases.Take(MaxKeyPhrases)).Append('\n');
        text.Append("Quotes:\n");
        var number = 0;
        foreach (var quote in sketch.Quotes.Take(MaxQuotes))
            text.Append(CultureInfo.InvariantCulture, $"{++number}. {OpenAIEmbedder.Cut(quote.ReplaceLineEndings(" "), MaxQuoteLength)}\n");
        return text.ToString();
    }

    /// <summary>
    /// Validates the model's answer: a JSON object (optionally inside a Markdown <c>```json</c> fence, which some models
    /// add) whose <c>label</c> (1 to 60 characters), <c>summary</c> (1 to 300) and <c>suggestedFix</c> (at most 300;
    /// empty means none) are strings, trimmed; other fields are ignored. Null, with the reason, otherwise.
    /// </summary>
    public static ClusterName? ParseAnswer(string? content, out string problem)
    {
        var json = Unfenced(content);
        if (json.Length == 0)
        {
            problem = "the answer is empty";
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = $"the answer is JSON but not an object ({root.ValueKind})";
                return null;
            }
            if (!TryString(root, "label", out var label, out problem)
                || !TryString(root, "summary", out var summary, out problem)
                || !TryString(root, "suggestedFix", out var fix, out problem))
            {
                return null;
            }
            problem = label.Length == 0 ? "the label is empty"
                : label.Length > MaxLabelLength ? FormattableString.Invariant($"the label has {label.Length} characters, more than {MaxLabelLength}")
                : summary.Length == 0 ? "the summary is empty"
                : summary.Length > MaxSentenceLength ? FormattableString.Invariant($"the summary has {summary.Length} characters, more than {MaxSentenceLength}")
                : fix.Length > MaxSentenceLength ? FormattableString.Invariant($"the suggested fix has {fix.Length} characters, more than {MaxSentenceLength}")
                : "";
            return problem.Length == 0 ? new ClusterName(label, summary, fix.Length == 0 ? null : fix) : null;
        }
        catch (JsonException)
        {
            problem = "the answer is not JSON";
            return null;
        }
    }

    private static ChatCompletionOptions RequestOptions() => new()
    {
        ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("pain_point_name", Schema, "A customer pain point's name, summary and suggested fix.", jsonSchemaIsStrict: true),
        MaxOutputTokenCount = MaxOutputTokens,
        Temperature = 0f,
    };

    private static ClusterName? Read(ChatCompletion completion, out string problem)
    {
        ChatFinishReason finish;
        try
        {
            finish = completion.FinishReason;
        }
        catch (ArgumentOutOfRangeException)
        {
            problem = "the answer has no choice";
            return null;
        }
        if (finish != ChatFinishReason.Stop)
        {
            problem = $"the answer did not finish normally ({finish})";
            return null;
        }
        if (!string.IsNullOrEmpty(completion.Refusal))
        {
            problem = "the model refused to answer";
            return null;
        }
        var content = string.Concat(completion.Content.Where(part => part.Kind == ChatMessageContentPartKind.Text).Select(part => part.Text));
        return ParseAnswer(content, out problem);
    }

    private static string Unfenced(string? content)
    {
        var text = content?.Trim() ?? "";
        if (!text.StartsWith("```", StringComparison.Ordinal)) return text;
        var firstLine = text.IndexOf('\n', StringComparison.Ordinal);
        if (firstLine < 0 || !text.EndsWith("```", StringComparison.Ordinal) || text.Length < firstLine + 4) return text;
        var info = text[3..firstLine].Trim();
        if (info.Length > 0 && !info.Equals("json", StringComparison.OrdinalIgnoreCase)) return text;
        return text[(firstLine + 1)..^3].Trim();
    }

    private static bool TryString(JsonElement root, string name, out string value, out string problem)
    {
        if (!root.TryGetProperty(name, out var property))
        {
            (value, problem) = ("", $"the answer has no \"{name}\"");
            return false;
        }
        if (property.ValueKind != JsonValueKind.String)
        {
            (value, problem) = ("", $"\"{name}\" is not a string ({property.ValueKind})");
            return false;
        }
        (value, problem) = (property.GetString()!.Trim(), "");
        return true;
    }
}
