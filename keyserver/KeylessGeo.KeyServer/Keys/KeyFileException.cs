namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// A key file that cannot be served (bad format, unsupported algorithm, loose permissions). The
/// message names the file and the fix; it never contains key material.
/// </summary>
public sealed class KeyFileException : Exception
{
    /// <summary>Creates the exception with an operator-facing message.</summary>
    public KeyFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an operator-facing message and its cause.</summary>
    public KeyFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an empty exception.</summary>
    public KeyFileException()
    {
    }
}
