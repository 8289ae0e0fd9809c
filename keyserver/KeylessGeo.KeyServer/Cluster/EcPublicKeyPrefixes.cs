using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// The DER SubjectPublicKeyInfo of an uncompressed P-256, P-384 or P-521 public key is a fixed
/// prefix (the algorithm identifier and the bit string's header) followed by the point, 0x04 then
/// both coordinates. Recognizing the prefix reads the same facts as a DER parse
/// (<see cref="SubjectPublicKeyInfoParser"/>), far cheaper, for the keys most managed sets hold;
/// anything else (RSA, Ed25519, compressed points, other encodings) goes to the parser.
/// </summary>
internal static class EcPublicKeyPrefixes
{
    private static readonly Curve[] Curves =
    [
        new(Convert.FromHexString("3059301306072A8648CE3D020106082A8648CE3D030107034200"), 65, KeyAlgorithm.EcdsaP256, 256),
        new(Convert.FromHexString("3076301006072A8648CE3D020106052B81040022036200"), 97, KeyAlgorithm.EcdsaP384, 384),
        new(Convert.FromHexString("30819B301006072A8648CE3D020106052B8104002303818600"), 133, KeyAlgorithm.EcdsaP521, 521),
    ];

    /// <summary>The curve whose prefix <paramref name="spki"/> is, followed by an uncompressed point of its size; null otherwise.</summary>
    public static Curve? Match(ReadOnlySpan<byte> spki)
    {
        foreach (var curve in Curves)
        {
            if (spki.Length == curve.Prefix.Length + curve.PointLength && spki.StartsWith(curve.Prefix) && spki[curve.Prefix.Length] == 0x04)
            {
                return curve;
            }
        }

        return null;
    }

    /// <summary>One curve's SubjectPublicKeyInfo prefix, point length (uncompressed, with its 0x04), algorithm and size.</summary>
    internal sealed record Curve(byte[] Prefix, int PointLength, KeyAlgorithm Algorithm, int Bits);
}
