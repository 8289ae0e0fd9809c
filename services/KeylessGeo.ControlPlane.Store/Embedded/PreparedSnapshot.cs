namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// A snapshot written and fsynced to a temporary file, not yet renamed over <c>state.json</c>.
/// Holding it keeps the temporary file locked; disposing it without installing deletes the file.
/// </summary>
internal sealed class PreparedSnapshot(string tempPath, FileStream stream, long length, byte[] sha256, long revision) : IAsyncDisposable
{
    /// <summary>The temporary file.</summary>
    public string TempPath { get; } = tempPath;

    /// <summary>The open, locked temporary file.</summary>
    public FileStream Stream { get; } = stream;

    /// <summary>Bytes written.</summary>
    public long Length { get; } = length;

    /// <summary>SHA-256 of the bytes written.</summary>
    public byte[] Sha256 { get; } = sha256;

    /// <summary>The snapshot's revision.</summary>
    public long Revision { get; } = revision;

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            File.Delete(TempPath);
        }
        catch (IOException)
        {
            // Renamed already (File.Delete of a missing file does not throw), or removed by the next writer.
        }
    }
}
