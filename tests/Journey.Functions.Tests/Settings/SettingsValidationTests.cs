using System.Diagnostics;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Settings;

/// <summary>Every setting is bound one way and checked before anything starts: a bad one stops the app with a message naming it and exit code 2.</summary>
public sealed class SettingsValidationTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "journey-settings-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private static async Task<(int ExitCode, string Errors)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepoPaths.AppDll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The app did not stop on bad settings: {await output}");
        }
        return (process.ExitCode, await errors);
    }

    [Fact]
    public async Task The_app_refuses_bad_settings_naming_every_one_and_serves_nothing()
    {
        var (exitCode, errors) = await RunAsync(new Dictionary<string, string>(),
            "--data", _data, "--urls", "http://127.0.0.1:0", "--Journey:SessionTimeout=-00:01:00", "--DailyJob:LapsedBelowProbabilityAlive=0.9");

        Assert.Equal(2, exitCode);
        Assert.Contains("journey: invalid settings:", errors, StringComparison.Ordinal);
        Assert.Contains("Journey:SessionTimeout must be positive", errors, StringComparison.Ordinal);
        Assert.Contains("DailyJob:LapsedBelowProbabilityAlive", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal); // a message, not a stack trace
    }

    [Fact]
    public async Task A_command_refuses_bad_settings_before_doing_any_work()
    {
        var (exitCode, errors) = await RunAsync(new Dictionary<string, string> { ["DailyJob__AtRiskAfter"] = "400.00:00:00" }, "daily", "--data", _data, "--date", "2026-03-01");

        Assert.Equal(2, exitCode);
        Assert.Contains("DailyJob:LapsedAfter must be longer than AtRiskAfter", errors, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_data, "journey.db")), "the command touched the store");
    }
}
