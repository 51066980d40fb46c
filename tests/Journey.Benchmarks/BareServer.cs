using System.Buffers;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;

namespace Journey.Benchmarks;

/// <summary>
/// The baselines of the collector benchmark: a bare ASP.NET Core app whose routes only answer 204,
/// and with <c>--durable &lt;folder&gt;</c> the floor of any collector that acknowledges durably:
/// the same routes append the raw query string or body to one preallocated file, answering once a
/// group commit (one <c>fdatasync</c> for every request that arrived meanwhile) has made it durable.
/// No parsing, validation, enrichment, partitioning or record framing: what is left is what the
/// disk's flush costs on this machine.
/// </summary>
public static class BareServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var durableAt = Array.IndexOf(args, "--durable");
        string? folder = null;
        if (durableAt >= 0)
        {
            if (durableAt + 1 >= args.Length)
            {
                Console.Error.WriteLine("--durable needs a folder for the append file");
                return 2;
            }
            folder = args[durableAt + 1];
            args = [.. args[..durableAt], .. args[(durableAt + 2)..]];
        }

        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var app = builder.Build();
        using var log = folder is null ? null : new GroupCommitFile(Path.Combine(folder, "bare-durable.log"));
        app.MapGet("/i", async (HttpRequest request) =>
        {
            if (log is not null) await log.AppendAsync(System.Text.Encoding.UTF8.GetBytes(request.QueryString.Value ?? ""));
            return Results.NoContent();
        });
        app.MapPost("/v1/batch", async (HttpRequest request) =>
        {
            // read the body, as the collector must, then answer
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            if (log is not null) await log.AppendAsync(body.ToArray());
            return Results.NoContent();
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>One file written as a ring, one writer thread, one <c>fdatasync</c> per group of appends.</summary>
    private sealed class GroupCommitFile : IDisposable
    {
        private const long FileBytes = 64L * 1024 * 1024;
        private readonly Channel<(byte[] Bytes, TaskCompletionSource Done)> _queue = Channel.CreateUnbounded<(byte[], TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
        private readonly SafeFileHandle _file;
        private readonly Thread _writer;
        private long _position;

        public GroupCommitFile(string path)
        {
            // Preallocated with zeros, so every group overwrites within the file's size and needs no metadata flush.
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            _file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
            var zeros = new byte[1024 * 1024];
            for (long at = 0; at < FileBytes; at += zeros.Length)
                RandomAccess.Write(_file, zeros, at);
            RandomAccess.FlushToDisk(_file);
            _writer = new Thread(WriterLoop) { IsBackground = true, Name = "bare durable writer" };
            _writer.Start();
        }

        public Task AppendAsync(byte[] bytes)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_queue.Writer.TryWrite((bytes, done))) throw new InvalidOperationException("closed");
            return done.Task;
        }

        private void WriterLoop()
        {
            var group = new List<(byte[] Bytes, TaskCompletionSource Done)>();
            var buffer = new ArrayBufferWriter<byte>(64 * 1024);
            while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                group.Clear();
                buffer.ResetWrittenCount();
                while (_queue.Reader.TryRead(out var item))
                {
                    group.Add(item);
                    buffer.Write(item.Bytes);
                }

                if (_position + buffer.WrittenCount > FileBytes) _position = 0;
                RandomAccess.Write(_file, buffer.WrittenSpan, _position);
                _position += buffer.WrittenCount;
                if (fdatasync((int)_file.DangerousGetHandle()) != 0) throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()})");
                foreach (var (_, done) in group)
                    done.TrySetResult();
            }
        }

        public void Dispose()
        {
            _queue.Writer.TryComplete();
            _writer.Join();
            _file.Dispose();
        }

#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks, which the project does not set.
        [DllImport("libc", SetLastError = true)]
        private static extern int fdatasync(int fd);
#pragma warning restore SYSLIB1054
    }
}
