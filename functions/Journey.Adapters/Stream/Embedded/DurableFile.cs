using System.Runtime.InteropServices;
using System.Text;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>
/// File-system helpers for durability: on Linux and macOS a newly created or renamed file's
/// directory entry is only durable once the directory itself is flushed, which .NET has no API
/// for (it refuses to open a directory), so this calls <c>open</c>/<c>fsync</c> in libc. On
/// Windows, NTFS journals the metadata and flushing the file suffices.
/// </summary>
internal static class DurableFile
{
    private static int _unavailable;

    /// <summary>Flushes a directory's entries to disk, best effort (false when the platform cannot).</summary>
    public static bool TryFlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows() || Volatile.Read(ref _unavailable) != 0) return false;
        try
        {
            return NativeMethods.FsyncDirectory(directory);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or MarshalDirectiveException)
        {
            Volatile.Write(ref _unavailable, 1);
            return false;
        }
    }

    /// <summary>
    /// Flushes a file's data to disk, and its metadata only where reading the data needs it
    /// (<c>fdatasync</c> on Linux: an overwrite within the file's size skips the inode's journal
    /// commit). Elsewhere a full flush.
    /// </summary>
    public static void FlushData(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        if (OperatingSystem.IsLinux() && Volatile.Read(ref _noFdatasync) == 0)
        {
            try
            {
                if (NativeMethods.fdatasync((int)handle.DangerousGetHandle()) == 0) return;
                throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()}).");
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                Volatile.Write(ref _noFdatasync, 1);
            }
        }

        RandomAccess.FlushToDisk(handle);
    }

    private static int _noFdatasync;

    /// <summary>Writes a small file atomically: a temporary file, flushed to disk, renamed over the target, directory flushed.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> contents)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
        {
            stream.Write(contents);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        TryFlushDirectory(Path.GetDirectoryName(path)!);
    }

    private static class NativeMethods
    {
        private const int ReadOnly = 0;

        public static bool FsyncDirectory(string directory)
        {
            var path = Encoding.UTF8.GetBytes(directory + "\0");
            var fd = open(path, ReadOnly);
            if (fd < 0) return false;
            try
            {
                return fsync(fd) == 0;
            }
            finally
            {
                _ = close(fd);
            }
        }

#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks, which the project does not set.
        [DllImport("libc", SetLastError = true)]
        private static extern int open(byte[] path, int flags);

        [DllImport("libc", SetLastError = true)]
        private static extern int fsync(int fd);

        [DllImport("libc")]
        private static extern int close(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern int fdatasync(int fd);
#pragma warning restore SYSLIB1054
    }
}
