namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>Request metadata between keyservers.</summary>
public static class ForwardingHeaders
{
    /// <summary>Names the keyserver that forwarded the request; a keyserver never forwards a request that carries it.</summary>
    public const string ForwardedBy = "keylessgeo-forwarded-by";
}
