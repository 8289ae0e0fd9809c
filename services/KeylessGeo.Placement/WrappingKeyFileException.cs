namespace KeylessGeo.Placement;

/// <summary>
/// A datacenter wrapping key file cannot be used: its permissions let group or other users read
/// it, it is not a PKCS#8 PEM file, or it does not hold a P-256 key.
/// </summary>
public sealed class WrappingKeyFileException : PlacementException
{
    /// <summary>Creates an exception about the file at <paramref name="path"/>.</summary>
    public WrappingKeyFileException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The path of the file that was refused.</summary>
    public string Path { get; }
}
