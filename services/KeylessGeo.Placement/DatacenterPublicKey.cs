using System.Security.Cryptography;

namespace KeylessGeo.Placement;

/// <summary>
/// The public half of a datacenter's wrapping key: a validated P-256 point. This is what the
/// control plane stores per datacenter and what policy keys are wrapped to. Immutable and safe
/// to share between threads; equality is by the DER SubjectPublicKeyInfo.
/// </summary>
public sealed class DatacenterPublicKey : IEquatable<DatacenterPublicKey>
{
    /// <summary>The OID of the NIST P-256 curve (secp256r1, prime256v1).</summary>
    internal const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>The OID of id-ecPublicKey, the SubjectPublicKeyInfo algorithm of every EC key.</summary>
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    /// <summary>Size of one P-256 coordinate.</summary>
    internal const int CoordinateSize = 32;

    private readonly byte[] _spki;
    private readonly byte[] _spkiHash;
    private readonly byte[] _x;
    private readonly byte[] _y;

    private DatacenterPublicKey(byte[] spki, byte[] x, byte[] y)
    {
        _spki = spki;
        _x = x;
        _y = y;
        _spkiHash = SHA256.HashData(spki);
        Fingerprint = Convert.ToHexStringLower(_spkiHash.AsSpan(0, 16));
    }

    /// <summary>The key as DER SubjectPublicKeyInfo (uncompressed point), the form to store and exchange.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo => _spki;

    /// <summary>
    /// A short, stable name for the key: the first 16 bytes of SHA-256 over the DER
    /// SubjectPublicKeyInfo, as 32 lowercase hex characters. The same value
    /// <c>openssl pkey -pubin -outform DER | sha256sum</c> starts with.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>SHA-256 of the SubjectPublicKeyInfo (all 32 bytes), used in the wrap key derivation.</summary>
    internal ReadOnlySpan<byte> SpkiHash => _spkiHash;

    /// <summary>
    /// Parses and validates a DER SubjectPublicKeyInfo. Throws <see cref="PlacementException"/>
    /// unless it is exactly one EC public key on P-256 whose point lies on the curve.
    /// </summary>
    public static DatacenterPublicKey Parse(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        using var ecdh = ECDiffieHellman.Create();
        int read;
        try
        {
            // OpenSSL rejects points that are not on the named curve during import.
            ecdh.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out read);
        }
        catch (CryptographicException ex)
        {
            throw new PlacementException(
                $"The datacenter public key ({subjectPublicKeyInfo.Length} bytes) is not a P-256 EC public key in DER SubjectPublicKeyInfo form{DescribeAlgorithm(subjectPublicKeyInfo)}.",
                ex);
        }

        if (read != subjectPublicKeyInfo.Length)
        {
            throw new PlacementException(
                $"The datacenter public key has {subjectPublicKeyInfo.Length - read} trailing bytes after its DER SubjectPublicKeyInfo.");
        }

        return FromAlgorithm(ecdh);
    }

    /// <summary>The public half of an imported or generated key, after checking its curve.</summary>
    internal static DatacenterPublicKey FromAlgorithm(ECDiffieHellman ecdh)
    {
        var parameters = ecdh.ExportParameters(includePrivateParameters: false);
        if (!IsP256(parameters.Curve))
        {
            throw new PlacementException(
                $"The datacenter public key is on curve '{DescribeCurve(parameters.Curve)}', but wrapping keys must be P-256 ({P256Oid}).");
        }

        return new DatacenterPublicKey(ecdh.ExportSubjectPublicKeyInfo(), parameters.Q.X!, parameters.Q.Y!);
    }

    /// <summary>Whether <paramref name="curve"/> is the named curve P-256.</summary>
    internal static bool IsP256(ECCurve curve) =>
        curve.IsNamed && (curve.Oid.Value == P256Oid || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1");

    /// <summary>A fresh algorithm object holding only this public key, for one key agreement.</summary>
    internal ECDiffieHellman CreateAlgorithm() =>
        ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = _x, Y = _y },
        });

    /// <inheritdoc />
    public bool Equals(DatacenterPublicKey? other) => other is not null && _spki.AsSpan().SequenceEqual(other._spki);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DatacenterPublicKey);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_spkiHash, 0);

    /// <inheritdoc />
    public override string ToString() => $"P-256 wrapping public key {Fingerprint}";

    private static string DescribeCurve(ECCurve curve) =>
        curve.IsNamed ? curve.Oid.FriendlyName ?? curve.Oid.Value ?? "unnamed" : "explicit parameters";

    private static string DescribeAlgorithm(ReadOnlySpan<byte> spki)
    {
        try
        {
            var key = System.Security.Cryptography.X509Certificates.PublicKey.CreateFromSubjectPublicKeyInfo(spki, out _);
            return key.Oid.Value == EcPublicKeyOid
                ? ": it is an EC key whose point is not on its curve, or whose curve is not supported"
                : $": its algorithm is {key.Oid.FriendlyName ?? key.Oid.Value}, not EC";
        }
        catch (CryptographicException)
        {
            return ": it is not DER SubjectPublicKeyInfo at all";
        }
    }
}
