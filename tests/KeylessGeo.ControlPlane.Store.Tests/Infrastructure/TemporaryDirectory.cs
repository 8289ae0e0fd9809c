namespace KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

/// <summary>A fresh directory under the system temporary folder, deleted on dispose.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "keylessgeo-store-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>The directory's path; it does not exist until something creates it.</summary>
    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
