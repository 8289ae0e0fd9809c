namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// A managed key this keyserver should be able to serve could not be opened: its wrapped copy
/// fails authentication or is malformed (wrapped for another wrapping key, stale, altered), or
/// the unwrapped key is not the one indexed. The message names the key, policy, generation,
/// datacenter and wrapping key fingerprint, never key material. Reported to clients as
/// <c>INTERNAL</c>: another keyserver may hold a working copy.
/// </summary>
public sealed class ManagedKeyException : Exception
{
    /// <summary>Creates the exception with an operator-facing message and its cause.</summary>
    public ManagedKeyException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an empty exception.</summary>
    public ManagedKeyException()
    {
    }

    /// <summary>Creates the exception with an operator-facing message.</summary>
    public ManagedKeyException(string message)
        : base(message)
    {
    }

    /// <summary>
    /// True when this is a repeat of a failure already logged for the same key entry (opening
    /// it again would fail the same way), so the request is answered without a new error log.
    /// </summary>
    public bool AlreadyReported { get; init; }
}
