using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// Reads and replaces one membership file crash-safely: a new version is written to a
/// temporary file beside it, fsynced, renamed over it (atomic on POSIX file systems) and the
/// directory fsynced, so a reader sees the old table or the new one, never a torn mix, and a
/// crash at any point leaves a complete file (plus at most a stray temporary file, removed by
/// the next writer). Files are created 0600, the directory 0700.
/// </summary>
internal static partial class MembershipFile
{
    /// <summary>Owner read and write only (0600).</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner only (0700).</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;

    /// <summary>Creates <paramref name="directory"/> (0700) when it is missing.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, DirectoryMode);
        }
    }

    /// <summary>The table in <paramref name="path"/>, or null when the file does not exist.</summary>
    public static async Task<FileMembershipDocument?> ReadAsync(string path, string clusterId, CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        FileMembershipDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(content, MembershipJsonContext.Default.FileMembershipDocument);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"membership file {path} is not a valid membership table: {e.Message}", e);
        }

        if (document is null || document.Silos is null || document.VersionEtag is null)
        {
            throw new InvalidDataException($"membership file {path} is not a valid membership table: required fields are missing");
        }

        if (document.Format != FileMembershipDocument.CurrentFormat)
        {
            throw new InvalidDataException($"membership file {path} has format {document.Format}; this keyserver reads format {FileMembershipDocument.CurrentFormat} only");
        }

        if (!string.Equals(document.ClusterId, clusterId, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"membership file {path} belongs to cluster '{document.ClusterId}', not '{clusterId}'");
        }

        return document;
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="document"/>, durably.</summary>
    public static async Task ReplaceAsync(string path, FileMembershipDocument document, CancellationToken cancellationToken)
    {
        var content = JsonSerializer.SerializeToUtf8Bytes(document, MembershipJsonContext.Default.FileMembershipDocument);
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, $"{TempPrefix(path)}{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
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
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        SyncDirectory(directory);
    }

    /// <summary>Deletes <paramref name="path"/> durably; nothing happens when it does not exist.</summary>
    public static void Delete(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
            SyncDirectory(Path.GetDirectoryName(path)!);
        }
    }

    /// <summary>
    /// Deletes temporary files of <paramref name="path"/> left by writers that died mid-write.
    /// Call only under the table's lock: writers create temporary files only while holding it.
    /// </summary>
    public static void DeleteStaleTemps(string path)
    {
        foreach (var stale in Directory.EnumerateFiles(Path.GetDirectoryName(path)!, TempPrefix(path) + "*.tmp"))
        {
            TryDelete(stale);
        }
    }

    private static string TempPrefix(string path) => $".{Path.GetFileName(path)}.";

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next writer.
        }
    }

    private static void SyncDirectory(string directory)
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
