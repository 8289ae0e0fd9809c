namespace KeylessGeo.Placement;

/// <summary>
/// A well-formed wrapped blob failed AEAD authentication: it was wrapped for another datacenter,
/// policy, generation, key or version than the one presented, or it was altered. This is what a
/// datacenter outside a policy gets when it tries to open that policy's blobs.
/// </summary>
public sealed class WrappedKeyAuthenticationException : PlacementException
{
    /// <summary>Creates an exception with a message naming the context that failed.</summary>
    public WrappedKeyAuthenticationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
