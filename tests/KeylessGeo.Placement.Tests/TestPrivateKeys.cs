using System.Security.Cryptography;

namespace KeylessGeo.Placement.Tests;

/// <summary>Real private keys in PKCS#8 DER, as a keyserver would wrap them.</summary>
internal static class TestPrivateKeys
{
    // PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410): version 0, algorithm 1.3.101.112,
    // and the 32-byte seed as an OCTET STRING inside the privateKey OCTET STRING.
    private static readonly byte[] Ed25519Prefix = Convert.FromHexString("302e020100300506032b657004220420");

    /// <summary>Names accepted by <see cref="Create"/>, for theory data.</summary>
    public static TheoryData<string> Algorithms => new() { "rsa-2048", "ecdsa-p256", "ed25519" };

    /// <summary>A freshly generated private key of <paramref name="algorithm"/>, as PKCS#8 DER.</summary>
    public static byte[] Create(string algorithm)
    {
        switch (algorithm)
        {
            case "rsa-2048":
                using (var rsa = RSA.Create(2048))
                {
                    return rsa.ExportPkcs8PrivateKey();
                }

            case "ecdsa-p256":
                using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    return ecdsa.ExportPkcs8PrivateKey();
                }

            case "ed25519":
                // .NET has no Ed25519 type; the PKCS#8 form is a fixed prefix and a random seed.
                return [.. Ed25519Prefix, .. RandomNumberGenerator.GetBytes(32)];

            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown test key algorithm");
        }
    }
}
