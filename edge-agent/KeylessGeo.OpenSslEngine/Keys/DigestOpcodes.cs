using KeylessGeo.OpenSslEngine.Agent;
using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Keys;

/// <summary>Which Keyless opcode signs a digest: by the digest's NID (RSA) or length (ECDSA, which signs any digest).</summary>
internal static class DigestOpcodes
{
    /// <summary>RSA PKCS#1 v1.5 sign of a digest of type <paramref name="nid"/>; 0 when there is none.</summary>
    public static byte RsaPkcs1(int nid) => nid switch
    {
        OpenSslConstants.NidMd5Sha1 => KeylessOpcode.RsaSignMd5Sha1,
        OpenSslConstants.NidSha1 => KeylessOpcode.RsaSignSha1,
        OpenSslConstants.NidSha224 => KeylessOpcode.RsaSignSha224,
        OpenSslConstants.NidSha256 => KeylessOpcode.RsaSignSha256,
        OpenSslConstants.NidSha384 => KeylessOpcode.RsaSignSha384,
        OpenSslConstants.NidSha512 => KeylessOpcode.RsaSignSha512,
        _ => 0,
    };

    /// <summary>RSASSA-PSS sign (salt length = digest length) of a digest of type <paramref name="nid"/>; 0 when there is none.</summary>
    public static byte RsaPss(int nid) => nid switch
    {
        OpenSslConstants.NidSha256 => KeylessOpcode.RsaPssSignSha256,
        OpenSslConstants.NidSha384 => KeylessOpcode.RsaPssSignSha384,
        OpenSslConstants.NidSha512 => KeylessOpcode.RsaPssSignSha512,
        _ => 0,
    };

    /// <summary>ECDSA sign of a digest of <paramref name="length"/> bytes; 0 when no hash has that length.</summary>
    public static byte Ecdsa(int length) => length switch
    {
        20 => KeylessOpcode.EcdsaSignSha1,
        28 => KeylessOpcode.EcdsaSignSha224,
        32 => KeylessOpcode.EcdsaSignSha256,
        36 => KeylessOpcode.EcdsaSignMd5Sha1,
        48 => KeylessOpcode.EcdsaSignSha384,
        64 => KeylessOpcode.EcdsaSignSha512,
        _ => 0,
    };
}
