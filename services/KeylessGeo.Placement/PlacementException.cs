namespace KeylessGeo.Placement;

/// <summary>
/// Base type for every failure of the placement library: a wrapped key that cannot be opened,
/// a garbled blob, an unusable public key or wrapping key file. Messages name the policy, key,
/// datacenter or file involved and never contain key material.
/// </summary>
public class PlacementException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public PlacementException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the underlying cause.</summary>
    public PlacementException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
