using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Journey.Adapters.Tests.Actions.Email;

/// <summary>
/// A minimal SMTP server on 127.0.0.1 that answers every command with 250 except <c>RCPT TO</c>, which gets
/// <paramref name="rcptReply"/> (netDumbster cannot be told to refuse a mailbox): for the 4xx/5xx outcomes.
/// </summary>
internal sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ScriptedSmtpServer(string rcptReply)
    {
        _listener.Start();
        _loop = ServeAsync(rcptReply);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public List<string> Commands { get; } = [];

    private async Task ServeAsync(string rcptReply)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 scripted.test ESMTP");
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    lock (Commands) Commands.Add(line);
                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    if (verb == "QUIT")
                    {
                        await writer.WriteLineAsync("221 bye");
                        break;
                    }
                    await writer.WriteLineAsync(verb switch
                    {
                        "EHLO" => "250 scripted.test",
                        "RCPT" => rcptReply,
                        "DATA" => "354 go on",
                        _ => "250 OK",
                    });
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (SocketException)
        {
        }
        _stop.Dispose();
    }
}
