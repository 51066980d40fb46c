using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Journey.Adapters.Tests.Support;

/// <summary>
/// The <c>@vercel/cosmosdb-server</c> process (installed by <c>npm ci</c> in tests/node), started
/// with <c>node</c> on 127.0.0.1 and a free port, serving HTTPS with the self-signed certificate
/// shipped in the package, and killed with its process tree at the end. Shared (as a linked file) by
/// the adapter tests' <c>CosmosTestServer</c>, the function-app tests' <c>CosmosProxy</c> and the
/// Azure benchmark.
/// </summary>
public sealed partial class CosmosServerProcess : IAsyncDisposable
{
    private const string PackagePath = "node_modules/@vercel/cosmosdb-server";

    // Starts the package's HTTPS server with keep-alive on (its CLI closes every connection), on an
    // ephemeral port of 127.0.0.1, prints the port, and exits when the test process goes away (stdin closes).
    private const string ServerScript = """
        const { createHttpsServer } = require(process.argv[1]);
        const server = createHttpsServer({ keepAlive: true });
        server.keepAliveTimeout = 60000;
        server.listen(0, "127.0.0.1", () => console.log("listening " + server.address().port));
        process.stdin.on("end", () => process.exit(0));
        process.stdin.resume();
        """;

    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private CosmosServerProcess(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The server's endpoint, <c>https://127.0.0.1:{port}/</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The package's self-signed certificate, which only the test clients accept.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The last lines the server printed, for failure messages.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output);

    /// <summary>Starts the server and waits until it has printed its port (not yet until it answers).</summary>
    public static async Task<CosmosServerProcess> StartAsync(TimeSpan timeout)
    {
        var nodeFolder = FindNodeFolder();
        var package = Path.Combine(nodeFolder, PackagePath);
        var entry = Path.Combine(package, "lib", "index.js");
        if (!File.Exists(entry))
        {
            throw new InvalidOperationException(
                $"The Cosmos DB test server is not installed ({entry} is missing). Run `npm ci` in {nodeFolder} " +
                "(bash tests/run.sh does it) and run the tests again.");
        }
        var server = new CosmosServerProcess(X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(package, "cert.pem"))));
        try
        {
            await server.StartProcessAsync(nodeFolder, entry, timeout);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A certificate check that accepts exactly the server's certificate.</summary>
    public bool IsServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(Certificate.RawData);

    private async Task StartProcessAsync(string nodeFolder, string entry, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = nodeFolder,
        };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(ServerScript);
        start.ArgumentList.Add(entry);

        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("The Cosmos DB tests need Node.js 20 or later (`node` on the PATH) to run the test server.", ex);
        }
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            Remember(e.Data);
            var match = ListeningLine().Match(e.Data);
            if (match.Success) port.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) Remember(e.Data);
        };
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => port.TrySetException(new InvalidOperationException($"The Cosmos DB test server exited early:{Environment.NewLine}{RecentOutput}"));
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            Endpoint = new Uri($"https://127.0.0.1:{await port.Task.WaitAsync(timeout)}/");
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"The Cosmos DB test server did not start within {timeout.TotalSeconds} s:{Environment.NewLine}{RecentOutput}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or Win32Exception)
            {
                // Already gone, or it will go when its stdin closes with this process.
            }
            process.Dispose();
        }
        Certificate.Dispose();
    }

    private void Remember(string line)
    {
        _output.Enqueue(line);
        while (_output.Count > 40) _output.TryDequeue(out _);
    }

    /// <summary>tests/node, found upwards from the test assembly (the repository's layout).</summary>
    private static string FindNodeFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tests", "node");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new InvalidOperationException($"tests/node/package.json was not found above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^listening (\d+)$")]
    private static partial Regex ListeningLine();
}
