using Microsoft.Win32.SafeHandles;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// A file's size and modification time: the cheap half of an integrity check. Equal stamps let a
/// check skip re-reading a file; a different stamp makes it read and hash the bytes. (Modification
/// times are coarse on some file systems, so a commit always hashes the state file too.)
/// </summary>
internal readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
{
    /// <summary>The stamp of <paramref name="path"/>, or null when there is no such file.</summary>
    public static FileStamp? Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : null;
    }

    /// <summary>The stamp of an open file (the very file read, even if the path was replaced since).</summary>
    public static FileStamp Of(SafeFileHandle handle) => new(RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(handle));
}
