namespace KeylessGeo.Serving.Grpc;

/// <summary>Request metadata of forwarded calls between keyservers.</summary>
public static class ForwardingHeaders
{
    /// <summary>
    /// Names the keyserver id that forwarded the request. A keyserver never forwards a request
    /// that carries it, so a request crosses at most one region boundary and two keyservers with
    /// stale views of each other cannot bounce it back and forth.
    /// </summary>
    public const string ForwardedBy = "keylessgeo-forwarded-by";
}
