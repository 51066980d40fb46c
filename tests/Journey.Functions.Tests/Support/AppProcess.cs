using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Journey.Functions.Tests.Support;

/// <summary>The built app as a separate process (as a user runs it), so a test can kill it with SIGKILL.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, Uri baseAddress, string dataDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }
    public string DataDirectory { get; }

    /// <summary>The files mapped into the running process (from /proc), e.g. to see where its runtime came from.</summary>
    public IReadOnlyList<string> MappedFiles() =>
        File.ReadLines($"/proc/{_process.Id}/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].StartsWith('/'))
            .Select(fields => fields[5].Trim())
            .Distinct(StringComparer.Ordinal)
            .ToList();

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts an app folder (a publish output) as the Azure Functions host starts a custom handler:
    /// the executable and arguments host.json names (<see cref="CustomHandlerCommand"/>), the port in
    /// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>, nothing else on the command line.
    /// </summary>
    public static async Task<AppProcess> StartAsCustomHandlerAsync(string appFolder, string dataDirectory, IDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var info = CustomHandlerCommand.Read(appFolder).StartInfo();
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Storage__DataDirectory"] = dataDirectory;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start");
        var app = new AppProcess(process, new Uri($"http://127.0.0.1:{port}"), dataDirectory);
        await app.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        return app;
    }

    /// <summary>Starts the app on the data folder and waits until <c>/health</c> answers 200.</summary>
    public static async Task<AppProcess> StartAsync(string dataDirectory, int? port = null, IDictionary<string, string>? environment = null)
    {
        if (!File.Exists(RepoPaths.AppDll)) throw new FileNotFoundException($"Build the app first: {RepoPaths.AppDll} is missing.");
        var p = port ?? FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(RepoPaths.AppDll)!,
        };
        foreach (var a in new[] { RepoPaths.AppDll, "--data", dataDirectory, "--urls", $"http://127.0.0.1:{p}" }) info.ArgumentList.Add(a);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var app = new AppProcess(process, new Uri($"http://127.0.0.1:{p}"), dataDirectory);
        await app.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        return app;
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The app exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The app did not become healthy within {timeout}:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
