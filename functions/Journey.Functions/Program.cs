using Journey.Functions.Hosting;
using Microsoft.Extensions.Options;

// Journey: serves the collector, admin API and dashboard (no command), or runs a batch command
// (import, daily, metrics, painpoints, export). Exit code 2 means bad arguments or input.
CommandLine commandLine;
try
{
    commandLine = CommandLine.Parse(args);
}
catch (CommandLineException ex)
{
    await Console.Error.WriteLineAsync($"journey: {ex.Message}");
    return 2;
}

try
{
    return commandLine.Command is null
        ? await JourneyWebHost.RunAsync(commandLine)
        : await Commands.RunAsync(commandLine);
}
catch (OptionsValidationException ex)
{
    // Every problem names its setting (Section:Key, or Section__Key in app settings).
    await Console.Error.WriteLineAsync($"journey: invalid settings: {string.Join(" ", ex.Failures)}");
    return 2;
}
