using System.ComponentModel;
using System.Runtime.InteropServices;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// Whole-file replacement that survives a crash at any point: write a temporary file beside
/// the target, fsync it, rename it over the target (atomic on POSIX file systems), fsync the
/// directory so the rename itself is durable. Readers see the old file or the new one, never
/// a mix; a crash leaves at most a stray temporary file, which the next writer removes.
/// Used by the embedded store and by the keyservers' embedded membership table.
/// </summary>
public static partial class DurableFile
{
    /// <summary>Owner read and write only (0600).</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner only (0700).</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;

    /// <summary>Temporary files for <paramref name="fileName"/> start with this prefix.</summary>
    public static string TempPrefix(string fileName) => $".{fileName}.";

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/>. With
    /// <paramref name="durable"/> false the replacement is still atomic but not fsynced (leases).
    /// </summary>
    public static async Task ReplaceAsync(string path, ReadOnlyMemory<byte> content, bool durable, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, $"{TempPrefix(Path.GetFileName(path))}{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = FileMode,
            };
            await using (var stream = new FileStream(temp, options))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: durable);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        if (durable)
        {
            SyncDirectory(directory);
        }
    }

    /// <summary>Deletes temporary files of <paramref name="fileName"/> left by writers that crashed.</summary>
    public static void DeleteStaleTemps(string directory, string fileName)
    {
        foreach (var stale in Directory.EnumerateFiles(directory, TempPrefix(fileName) + "*.tmp"))
        {
            TryDelete(stale);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The next writer removes it.
        }
    }

    /// <summary>Creates <paramref name="path"/> (0700) when it is missing.</summary>
    public static void EnsureDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, DirectoryMode);
        }
    }

    /// <summary>Makes the directory's entries (a rename, a new file) durable.</summary>
    public static void SyncDirectory(string directory)
    {
        var fd = Open(directory, ReadOnly | CloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"could not open directory {directory} to fsync it", new Win32Exception(Marshal.GetLastPInvokeError()));
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed", new Win32Exception(Marshal.GetLastPInvokeError()));
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
