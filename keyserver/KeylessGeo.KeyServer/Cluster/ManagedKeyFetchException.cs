using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// A managed key's wrapped private key could not be fetched from the control-plane store when the
/// key was first needed here: the store is unreachable (<c>UNAVAILABLE</c>, try again), the key was
/// removed meanwhile (<c>KEY_NOT_FOUND</c>), or the store holds a newer version than this keyserver
/// has applied (<c>UNAVAILABLE</c>, the feed brings it shortly). Only the request that needed the
/// key fails; the next one fetches again. The message is fit for clients: it names the key, never
/// key material or store internals.
/// </summary>
public sealed class ManagedKeyFetchException : Exception
{
    /// <summary>Creates the exception with the client-facing code and message.</summary>
    public ManagedKeyFetchException(ErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Creates an empty exception (<c>UNAVAILABLE</c>).</summary>
    public ManagedKeyFetchException()
    {
        Code = ErrorCode.Unavailable;
    }

    /// <summary>Creates the exception with a message (<c>UNAVAILABLE</c>).</summary>
    public ManagedKeyFetchException(string message)
        : base(message)
    {
        Code = ErrorCode.Unavailable;
    }

    /// <summary>Creates the exception with a message and its cause (<c>UNAVAILABLE</c>).</summary>
    public ManagedKeyFetchException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ErrorCode.Unavailable;
    }

    /// <summary>The wire error code the request is answered with.</summary>
    public ErrorCode Code { get; }
}
