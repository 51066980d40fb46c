using System.Reflection.PortableExecutable;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Deployment;

/// <summary>
/// The publish output is what the Functions host loads: host.json, the self-contained linux-x64
/// executable it names and one <c>{FunctionName}/function.json</c> per function, all at the root
/// (docs/deploy.md).
/// </summary>
[Collection(PublishedAppCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class PublishLayoutTests(PublishedApp app)
{
    private const string Executable = "Journey.Functions";

    /// <summary>The HTTP functions: proxied to the app as they come (enableProxyingHttpRequest).</summary>
    public static TheoryData<string, string, string[], string> HttpFunctions => new()
    {
        { "Pixel", "anonymous", ["get", "options"], "i" },
        { "SegmentApi", "anonymous", ["get", "post", "options"], "v1/{*path}" },
        { "Health", "anonymous", ["get"], "health" },
        { "Tracker", "anonymous", ["get"], "journey.js" },
        { "Admin", "function", ["get", "post", "delete"], "api/{*path}" },
        { "Dashboard", "function", ["get"], "dashboard" },
        { "Unsubscribe", "anonymous", ["get", "post"], "unsubscribe" },
    };

    public static TheoryData<string, string> Timers => new()
    {
        { "DailyMetrics", "%DailyMetricsSchedule%" },
        { "PainPoints", "%PainPointsSchedule%" },
        { "Actions", "%ActionsSchedule%" },
    };

    private static readonly string[] AllFunctions = ["Actions", "Admin", "DailyMetrics", "Dashboard", "Health", "PainPoints", "Pixel", "ProcessEvents", "SegmentApi", "Tracker", "Unsubscribe"];

    private static string? Text(JsonNode? node, string property) => node?[property]?.GetValue<string>();

    private JsonArray Bindings(string function) =>
        app.ReadJson(function, "function.json")["bindings"]?.AsArray() ?? throw new InvalidOperationException($"{function}/function.json has no bindings.");

    [Fact]
    public void HostJson_StartsThePackagedExecutableAsACustomHandler()
    {
        var host = app.ReadJson("host.json");

        Assert.Equal("2.0", Text(host, "version"));
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", Text(host["extensionBundle"], "id"));
        Assert.Equal("[4.*, 5.0.0)", Text(host["extensionBundle"], "version"));
        var handler = host["customHandler"];
        var command = CustomHandlerCommand.Read(app.Folder);
        Assert.Equal(Executable, Text(handler?["description"], "defaultExecutablePath"));
        Assert.Equal(app.PathOf(Executable), command.Executable);
        Assert.Empty(command.Arguments);
        Assert.Equal(Path.GetFullPath(app.Folder), command.WorkingDirectory);
        Assert.True(handler?["enableProxyingHttpRequest"]?.GetValue<bool>(), "HTTP requests must reach the app as they came (binary GIF, raw bodies)");
    }

    [Fact]
    public void Executable_IsALinuxX64ProgramTheOwnerMayRun()
    {
        var path = app.PathOf(Executable);

        Assert.True(File.Exists(path), $"{Executable}, which host.json names, is missing from the publish root");
        Assert.True(File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), $"{Executable} is not executable");
        Assert.Equal(ElfMachine.X64, ElfMachine.Of(path));
    }

    [Fact]
    public void Publish_IsSelfContained_AndPrecompiled()
    {
        var runtimeConfig = app.ReadJson("Journey.Functions.runtimeconfig.json")["runtimeOptions"];
        Assert.Null(runtimeConfig?["frameworks"]);
        Assert.Equal(["Microsoft.NETCore.App", "Microsoft.AspNetCore.App"], runtimeConfig?["includedFrameworks"]?.AsArray().Select(f => Text(f, "name")));
        foreach (var runtimeFile in new[] { "libcoreclr.so", "libhostfxr.so", "System.Private.CoreLib.dll", "Microsoft.AspNetCore.dll" })
            Assert.True(File.Exists(app.PathOf(runtimeFile)), $"{runtimeFile} is missing: the package must carry its own .NET runtime");

        using var pe = new PEReader(File.OpenRead(app.PathOf("Journey.Functions.dll")));
        Assert.True(pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0, "Journey.Functions.dll is not ReadyToRun code");
    }

    [Fact]
    public void Publish_CarriesOnlyLinuxX64NativeCode_AndNoFolderButTheFunctions()
    {
        var folders = Directory.GetDirectories(app.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(AllFunctions, folders);
        var files = Directory.GetFiles(app.Folder, "*", SearchOption.AllDirectories);
        Assert.DoesNotContain(files, f => f.EndsWith(".dylib", StringComparison.Ordinal) || f.EndsWith(".exe", StringComparison.Ordinal));
        var native = files.Where(f => f.EndsWith(".so", StringComparison.Ordinal)).ToList();
        Assert.Contains(app.PathOf("libe_sqlite3.so"), native);
        Assert.All(native, library => Assert.Equal(ElfMachine.X64, ElfMachine.Of(library)));
    }

    [Fact]
    public void HostJson_KeepsTheCollectorRoutesWithoutAPrefix_AndBatchesEventHubs()
    {
        var extensions = app.ReadJson("host.json")["extensions"];

        Assert.Equal("", Text(extensions?["http"], "routePrefix"));
        var eventHubs = extensions?["eventHubs"];
        Assert.Equal(100, eventHubs?["maxEventBatchSize"]?.GetValue<int>());
        Assert.Equal(1, eventHubs?["batchCheckpointFrequency"]?.GetValue<int>());
        Assert.True(eventHubs?["prefetchCount"]?.GetValue<int>() >= eventHubs?["maxEventBatchSize"]?.GetValue<int>(), "prefetchCount below the batch size starves the batches");
    }

    [Fact]
    public void Publish_HasOneFunctionFolderPerFunction_AndNoOtherFunctionJson()
    {
        var found = Directory.GetFiles(app.Folder, "function.json", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(app.Folder, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(AllFunctions.Select(f => $"{f}/function.json"), found);
    }

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void HttpFunction_IsAProxiedHttpTrigger(string function, string authLevel, string[] methods, string route)
    {
        var bindings = Bindings(function);

        Assert.Equal(2, bindings.Count);
        var trigger = bindings.Single(b => Text(b, "type") == "httpTrigger");
        Assert.Equal("in", Text(trigger, "direction"));
        Assert.Equal(authLevel, Text(trigger, "authLevel"));
        Assert.Equal(methods, trigger!["methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(route, Text(trigger, "route"));
        var output = bindings.Single(b => Text(b, "type") == "http");
        Assert.Equal("out", Text(output, "direction"));
    }

    [Fact]
    public void ProcessEvents_IsABatchEventHubTriggerOnAnIdentityConnection_WithRetry()
    {
        var function = app.ReadJson("ProcessEvents", "function.json");
        var trigger = Assert.Single(function["bindings"]!.AsArray());

        Assert.Equal("eventHubTrigger", Text(trigger, "type"));
        Assert.Equal("in", Text(trigger, "direction"));
        Assert.Equal("events", Text(trigger, "name"));
        Assert.Equal("many", Text(trigger, "cardinality"));
        Assert.Equal("string", Text(trigger, "dataType"));
        Assert.Equal("%EventHubName%", Text(trigger, "eventHubName"));
        Assert.Equal("%EventHubConsumerGroup%", Text(trigger, "consumerGroup"));
        Assert.Equal("EventHubConnection", Text(trigger, "connection"));

        // The trigger checkpoints even when an invocation fails, and past a batch whose retries ran out:
        // only a retry policy without a limit holds the batch back until the store takes it.
        var retry = function["retry"];
        Assert.Equal("exponentialBackoff", Text(retry, "strategy"));
        Assert.Equal(-1, retry?["maxRetryCount"]?.GetValue<int>());
        Assert.Equal(TimeSpan.FromSeconds(2), TimeSpan.Parse(Text(retry, "minimumInterval")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.FromMinutes(5), TimeSpan.Parse(Text(retry, "maximumInterval")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(Timers))]
    public void Timer_ReadsItsScheduleFromASetting(string function, string schedule)
    {
        var trigger = Assert.Single(Bindings(function));

        Assert.Equal("timerTrigger", Text(trigger, "type"));
        Assert.Equal("in", Text(trigger, "direction"));
        Assert.Equal("timer", Text(trigger, "name"));
        Assert.Equal(schedule, Text(trigger, "schedule"));
        Assert.False(trigger!["runOnStartup"]?.GetValue<bool>() ?? false, "runOnStartup would run the job on every scale-out");
    }
}
