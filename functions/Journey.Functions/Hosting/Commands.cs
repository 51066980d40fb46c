namespace Journey.Functions.Hosting;

/// <summary>The batch commands of the executable (exit 0 on success, 2 on bad arguments or input).</summary>
public static class Commands
{
    public static async Task<int> RunAsync(CommandLine commandLine)
    {
        await Task.Yield();
        await Console.Error.WriteLineAsync($"journey: the command '{commandLine.Command}' is not wired yet");
        return 2;
    }
}
