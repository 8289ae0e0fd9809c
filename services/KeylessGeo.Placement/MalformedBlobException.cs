namespace KeylessGeo.Placement;

/// <summary>
/// A wrapped blob cannot even be parsed: it is empty, truncated or too long, carries an unknown
/// format version, or embeds an ephemeral public key that is not a P-256 point.
/// </summary>
public sealed class MalformedBlobException : PlacementException
{
    /// <summary>Creates an exception with a message naming the blob and what is wrong with it.</summary>
    public MalformedBlobException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the underlying cause.</summary>
    public MalformedBlobException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
