using System.Text.Json;
using KeylessGeo.ControlPlane.Store.Embedded;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// Reads and replaces one membership file crash-safely (through the store library's
/// <see cref="DurableFile"/>: a new version is written to a temporary file beside it, fsynced,
/// renamed over it and the directory fsynced), so a reader sees the old table or the new one, never a torn mix, and a
/// crash at any point leaves a complete file (plus at most a stray temporary file, removed by
/// the next writer). Files are created 0600, the directory 0700.
/// </summary>
internal static class MembershipFile
{
    /// <summary>Owner read and write only (0600).</summary>
    public const UnixFileMode FileMode = DurableFile.FileMode;

    /// <summary>Owner only (0700).</summary>
    public const UnixFileMode DirectoryMode = DurableFile.DirectoryMode;

    /// <summary>Creates <paramref name="directory"/> (0700) when it is missing.</summary>
    public static void EnsureDirectory(string directory) => DurableFile.EnsureDirectory(directory);

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
    public static Task ReplaceAsync(string path, FileMembershipDocument document, CancellationToken cancellationToken) =>
        DurableFile.ReplaceAsync(path, JsonSerializer.SerializeToUtf8Bytes(document, MembershipJsonContext.Default.FileMembershipDocument), durable: true, cancellationToken);

    /// <summary>Deletes <paramref name="path"/> durably; nothing happens when it does not exist.</summary>
    public static void Delete(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
            DurableFile.SyncDirectory(Path.GetDirectoryName(path)!);
        }
    }

    /// <summary>
    /// Deletes temporary files of <paramref name="path"/> left by writers that died mid-write.
    /// Call only under the table's lock: writers create temporary files only while holding it.
    /// </summary>
    public static void DeleteStaleTemps(string path) => DurableFile.DeleteStaleTemps(Path.GetDirectoryName(path)!, Path.GetFileName(path));
}
