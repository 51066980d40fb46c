using System.Text.Json.Nodes;
using Journey.Adapters.Summaries;
using Journey.Domain.Ports;

namespace Journey.Adapters.Tests.Summaries;

/// <summary>
/// <see cref="OpenAIClusterNamer"/> against a local stand-in of Azure OpenAI: one structured-JSON call per cluster,
/// validation of the answer (a bad answer leaves that cluster's local label), the run's caps, throttling.
/// </summary>
public sealed class OpenAIClusterNamerTests : OpenAITestContext
{
    private const string Valid = """{"label":"Sizing runs small","summary":"Customers find the sizes smaller than expected.","suggestedFix":"Add a size guide with measurements."}""";

    private static ClusterSketch Sketch(int index, string label = "small size") => new(
        index, label, ["runs small", "size up", "too tight"],
        ["It runs small, order a size up.", "Too tight around the chest, sent it back to [email]."], 40 + index, 2.25);

    private static ClusterSketch[] Sketches(int count) => [.. Enumerable.Range(0, count).Select(i => Sketch(i, $"cluster {i}"))];

    /// <summary>Answers each cluster (found by its provisional label in the user message) with <paramref name="answers"/>[i].</summary>
    private void AnswerPerCluster(params string[] answers) =>
        Server.ChatContent = request =>
        {
            var index = Enumerable.Range(0, answers.Length).Single(i => request.UserMessage.Contains($"Provisional label: cluster {i}\n", StringComparison.Ordinal));
            return answers[index];
        };

    [Fact]
    public async Task EachCluster_IsOneCall_WithAStrictJsonSchema_AndItsNameIsReturned()
    {
        var names = await Namer(Options()).NameAsync(Sketches(3), CancellationToken.None);

        Assert.Equal(3, names.Count);
        Assert.All(names, n => Assert.Equal(new ClusterName("Sizing runs small", "Customers find the sizes smaller than expected.", "Add a size guide with measurements."), n));
        var requests = Server.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal("/openai/deployments/chat/chat/completions", r.Path));
        var format = requests[0].Json["response_format"]!;
        Assert.Equal("json_schema", (string?)format["type"]);
        Assert.True((bool)format["json_schema"]!["strict"]!);
        Assert.Equal(["label", "suggestedFix", "summary"], format["json_schema"]!["schema"]!["required"]!.AsArray().Select(n => (string)n!).Order(StringComparer.Ordinal));
        Assert.Single(LogLines(720));
    }

    [Fact]
    public async Task TheRequest_CarriesTheSystemPromptAndTheSketch_AndNothingElse()
    {
        var sketch = Sketch(7);

        await Namer(Options()).NameAsync([sketch], CancellationToken.None);

        var request = Server.Requests.Single();
        var messages = request.Json["messages"]!.AsArray();
        Assert.Equal(["system", "user"], messages.Select(m => (string)m!["role"]!));
        Assert.Equal(OpenAIClusterNamer.SystemPrompt, RecordedRequest.MessageContent(messages[0]!));
        Assert.Equal(OpenAIClusterNamer.UserMessage(sketch), request.UserMessage);
        Assert.Equal(
            "Texts in the cluster: 47\nAverage rating (1 to 5): 2.3\nProvisional label: small size\nKey phrases: runs small; size up; too tight\n" +
            "Quotes:\n1. It runs small, order a size up.\n2. Too tight around the chest, sent it back to [email].\n",
            request.UserMessage);
        Assert.Equal(["max_tokens", "messages", "model", "response_format", "temperature"], request.Json.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NoClusters_SendNothing()
    {
        Assert.Empty(await Namer(Options()).NameAsync([], CancellationToken.None));
        Assert.Empty(Server.Requests);
    }

    public static TheoryData<string, string> MalformedAnswers => new()
    {
        { "The main complaint is sizing.", "not JSON" },
        { """{"label":"Sizing","summary":"Too small."}""", "no \"suggestedFix\"" },
        { """{"label":"Sizing","summary":42,"suggestedFix":"Size guide."}""", "\"summary\" is not a string" },
        { """{"label":null,"summary":"Too small.","suggestedFix":"Size guide."}""", "\"label\" is not a string" },
        { """{"label":"","summary":"Too small.","suggestedFix":"Size guide."}""", "the label is empty" },
        { $$"""{"label":"{{new string('L', 61)}}","summary":"Too small.","suggestedFix":"Size guide."}""", "the label has 61 characters, more than 60" },
        { $$"""{"label":"Sizing","summary":"{{new string('S', 301)}}","suggestedFix":"Size guide."}""", "the summary has 301 characters" },
        { $$"""{"label":"Sizing","summary":"Too small.","suggestedFix":"{{new string('F', 301)}}"}""", "the suggested fix has 301 characters" },
        { """["Sizing","Too small.","Size guide."]""", "not an object" },
        { "", "the answer is empty" },
        { """{"label":"Sizing","summary":"Too small.","suggestedFix":"Size guide.""", "not JSON" },
    };

    [Theory]
    [MemberData(nameof(MalformedAnswers))]
    public async Task AMalformedAnswer_LeavesThatClusterUnnamed_Only(string answer, string reason)
    {
        AnswerPerCluster(Valid, answer, Valid);

        var names = await Namer(Options()).NameAsync(Sketches(3), CancellationToken.None);

        Assert.NotNull(names[0]);
        Assert.Null(names[1]);
        Assert.NotNull(names[2]);
        var rejected = Assert.Single(LogLines(721));
        Assert.Contains("cluster 1 ", rejected, StringComparison.Ordinal);
        Assert.Contains(reason, rejected, StringComparison.Ordinal);
        Assert.Equal(3, Server.Requests.Count);
    }

    [Theory]
    [InlineData("```json\n" + Valid + "\n```")]
    [InlineData("```\n" + Valid + "\n```")]
    [InlineData("  \n" + Valid + "\n ")]
    public async Task AJsonFence_IsAccepted(string answer)
    {
        Server.ChatContent = _ => answer;

        var name = Assert.Single(await Namer(Options()).NameAsync([Sketch(0)], CancellationToken.None));

        Assert.Equal("Sizing runs small", name!.Label);
    }

    [Fact]
    public void TheAnswer_IsTrimmed_AndAnEmptyFixIsNone()
    {
        var name = OpenAIClusterNamer.ParseAnswer("""{"label":"  Late delivery ","summary":" Parcels arrive days late. ","suggestedFix":"","extra":1}""", out var problem);

        Assert.Equal(new ClusterName("Late delivery", "Parcels arrive days late.", null), name);
        Assert.Equal("", problem);
    }

    [Theory]
    [InlineData("```python\n{\"label\":\"a\",\"summary\":\"b\",\"suggestedFix\":\"c\"}\n```")]
    [InlineData("Here you go: {\"label\":\"a\",\"summary\":\"b\",\"suggestedFix\":\"c\"}")]
    public void OtherWrappings_AreNotAccepted(string answer)
    {
        Assert.Null(OpenAIClusterNamer.ParseAnswer(answer, out var problem));
        Assert.Equal("the answer is not JSON", problem);
    }

    [Theory]
    [InlineData("length")]
    [InlineData("content_filter")]
    public async Task AnAnswerThatDidNotFinish_IsRejected(string finishReason)
    {
        Server.ChatFinishReason = finishReason;

        Assert.Null(Assert.Single(await Namer(Options()).NameAsync([Sketch(0)], CancellationToken.None)));
        Assert.Contains("did not finish normally", Assert.Single(LogLines(721)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARejectedRequest_LeavesThatClusterUnnamed_AndTheOthersAreNamed()
    {
        Server.Intercept = r => r.UserMessage.Contains("cluster 1\n", StringComparison.Ordinal)
            ? new TestAnswer(400, """{"error":{"code":"content_filter","message":"The response was filtered."}}""")
            : null;

        var names = await Namer(Options()).NameAsync(Sketches(3), CancellationToken.None);

        Assert.Equal([true, false, true], names.Select(n => n is not null));
        Assert.Equal(3, Server.Requests.Count);
        Assert.Single(LogLines(723));
    }

    [Fact]
    public async Task A429WithRetryAfter_IsRetriedAfterThatWait_ThenNamed()
    {
        var calls = 0;
        Server.Intercept = _ => Interlocked.Increment(ref calls) == 1 ? TestAnswer.TooManyRequests("retry-after-ms", "50") : null;

        var name = Assert.Single(await Namer(Options()).NameAsync([Sketch(0)], CancellationToken.None));

        Assert.NotNull(name);
        var requests = Server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].Time - requests[0].Time >= TimeSpan.FromMilliseconds(50), $"retried after {requests[1].Time - requests[0].Time}");
    }

    [Fact]
    public async Task A429Forever_StopsTheNaming_TheRestKeepTheirLocalLabels()
    {
        Server.Intercept = r => r.UserMessage.Contains("cluster 0\n", StringComparison.Ordinal) ? null : TestAnswer.TooManyRequests("retry-after-ms", "10");

        var names = await Namer(Options()).NameAsync(Sketches(4), CancellationToken.None);

        Assert.Equal([true, false, false, false], names.Select(n => n is not null));
        Assert.Equal(1 + 3, Server.Requests.Count); // cluster 0, then cluster 1 with its 2 retries; nothing after
        var stopped = Assert.Single(LogLines(724));
        Assert.Contains("429", stopped, StringComparison.Ordinal);
        Assert.Contains("the 2 clusters after it", stopped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenCap_StopsTheCalls_TheRemainingClustersKeepTheirLocalLabels()
    {
        // Each call: about 270 tokens in and 400 allowed out, estimated ~670 before the call; the service counts 150 + 60.
        var options = Options(o => o.MaxTokensPerRun = 1_200);
        var budget = new OpenAIRunBudget(options);

        var names = await Namer(options, budget).NameAsync(Sketches(5), CancellationToken.None);

        // 1st: 0 + ~670 fits, counts 210; 2nd: 210 + ~670 fits, 420; 3rd: 420 + ~670 fits, 630; 4th: 630 + ~670 > 1,200.
        Assert.Equal([true, true, true, false, false], names.Select(n => n is not null));
        Assert.Equal(3, Server.Requests.Count);
        Assert.Equal(3 * 210, budget.TokensUsed);
        Assert.Equal(3, budget.Calls);
        var reached = Assert.Single(LogLines(722));
        Assert.Contains("cluster 3 ", reached, StringComparison.Ordinal);
        Assert.Contains("the 1 clusters after it", reached, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCostCap_StopsTheCalls_TheRemainingClustersKeepTheirLocalLabels()
    {
        // At 1.00 per 1K tokens in and out, a call is estimated at about 0.67 and costs 0.21: a cap of 1.00 allows two.
        var options = Options(o => (o.ChatInputPricePer1KTokens, o.ChatOutputPricePer1KTokens, o.MaxCostPerRun) = (1.00m, 1.00m, 1.00m));
        var budget = new OpenAIRunBudget(options);

        var names = await Namer(options, budget).NameAsync(Sketches(4), CancellationToken.None);

        Assert.Equal([true, true, false, false], names.Select(n => n is not null));
        Assert.Equal(2, Server.Requests.Count);
        Assert.Equal(0.42m, budget.CostUsed);
    }

    [Fact]
    public async Task EmbeddingsAndNaming_ShareTheRunsBudget()
    {
        var options = Options(o => o.MaxTokensPerRun = 1_000);
        var budget = new OpenAIRunBudget(options);
        Server.EmbeddingUsage = _ => 500;

        await Embedder(options, budget).EmbedAsync(["one", "two"], CancellationToken.None);
        var names = await Namer(options, budget).NameAsync(Sketches(2), CancellationToken.None);

        // 500 spent on embeddings; the first call (~670 estimated) no longer fits.
        Assert.Equal([false, false], names.Select(n => n is not null));
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task ARunFactory_GivesEachRunAFreshBudget()
    {
        var options = Options(o => o.MaxTokensPerRun = 700);
        var factory = new OpenAIRunFactory(Client(options), options, LoggerFactory);

        var first = factory.StartRun();
        var second = factory.StartRun();
        var named = await first.Namer.NameAsync(Sketches(2), CancellationToken.None);
        var namedAgain = await second.Namer.NameAsync(Sketches(2), CancellationToken.None);

        Assert.Equal([true, false], named.Select(n => n is not null));
        Assert.Equal([true, false], namedAgain.Select(n => n is not null));
        Assert.NotSame(first.Budget, second.Budget);
        Assert.NotNull(first.Embedder);
        Assert.Null(new OpenAIRunFactory(Client(options), Options(o => o.EmbeddingDeployment = null), LoggerFactory).StartRun().Embedder);
    }

    [Fact]
    public async Task NoTextOrAnswer_ReachesTheLog_WhateverHappens()
    {
        const string Planted = "planted-4929-1234";
        var sketches = Enumerable.Range(0, 4).Select(i => new ClusterSketch(i, $"cluster {i}", [$"phrase {Planted}"], [$"quote {Planted}"], 5, 1.5)).ToArray();
        AnswerPerCluster(
            $$"""{"label":"{{Planted}}","summary":"Fine.","suggestedFix":"Fine."}""",
            $$"""{"label":"{{new string('x', 70)}} {{Planted}}","summary":"Too long.","suggestedFix":""}""",
            $"not JSON {Planted}",
            Valid);
        var calls = 0;
        Server.Intercept = _ => Interlocked.Increment(ref calls) == 1 ? TestAnswer.TooManyRequests("retry-after-ms", "5") : null;
        var options = Options();

        await Namer(options).NameAsync(sketches, CancellationToken.None);
        Server.Intercept = _ => TestAnswer.TooManyRequests("retry-after-ms", "5");
        await Assert.ThrowsAsync<TextEmbedderUnavailableException>(() => Embedder(options).EmbedAsync([$"text {Planted}"], CancellationToken.None));
        await Namer(options).NameAsync(sketches, CancellationToken.None);

        Assert.Contains(Server.Requests, r => r.Body.Contains(Planted, StringComparison.Ordinal));
        Assert.NotEmpty(LogLines(721));
        Assert.NotEmpty(LogLines(724));
        Assert.All(Logs.Lines, l => Assert.DoesNotContain(Planted, l.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void QuotesAndPhrases_AreCappedInTheRequest()
    {
        var sketch = new ClusterSketch(0, "label", [.. Enumerable.Range(0, 30).Select(i => $"phrase {i}")], [.. Enumerable.Range(0, 8).Select(i => new string('q', 1_000) + i)], 3, null);

        var message = OpenAIClusterNamer.UserMessage(sketch);

        Assert.Contains("phrase 14", message, StringComparison.Ordinal);
        Assert.DoesNotContain("phrase 15", message, StringComparison.Ordinal);
        Assert.Contains("5. ", message, StringComparison.Ordinal);
        Assert.DoesNotContain("6. ", message, StringComparison.Ordinal);
        Assert.Contains("Average rating (1 to 5): none", message, StringComparison.Ordinal);
        Assert.All(message.Split('\n').Where(l => l.StartsWith('1')), l => Assert.True(l.Length <= OpenAIClusterNamer.MaxQuoteLength + 3));
    }
}
