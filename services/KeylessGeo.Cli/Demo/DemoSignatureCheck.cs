using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Cli.Demo;

/// <summary>One signature the demo asks for, and how to check it without the keyserver.</summary>
/// <param name="KeyId">The demo key.</param>
/// <param name="Operation">The operation requested.</param>
/// <param name="Payload">What is sent: a SHA-256 digest, or the message for Ed25519.</param>
/// <param name="OpenSslDigest">The <c>-pkeyopt digest:</c> value for <c>openssl pkeyutl -verify</c>, or null for Ed25519 (<c>-rawin</c>).</param>
public sealed record DemoSignatureCheck(string KeyId, Operation Operation, byte[] Payload, string? OpenSslDigest)
{
    private static readonly byte[] Message = "KeylessGeo demo handshake transcript"u8.ToArray();

    /// <summary>The message whose digest (or itself, for Ed25519) is signed.</summary>
    public static ReadOnlyMemory<byte> SignedMessage => Message;

    /// <summary>One check per demo key.</summary>
    public static IReadOnlyList<DemoSignatureCheck> All { get; } =
    [
        new("demo-rsa2048", Operation.RsaPkcs1Sha256, SHA256.HashData(Message), "sha256"),
        new("demo-ecdsa-p256", Operation.EcdsaSha256, SHA256.HashData(Message), "sha256"),
        new("demo-ed25519", Operation.Ed25519, Message, null),
    ];

    /// <summary>
    /// Verifies <paramref name="signature"/> in-process against the key's certificate, or
    /// returns null when .NET has no API for the algorithm (Ed25519).
    /// </summary>
    public bool? VerifyInProcess(string keysDirectory, byte[] signature)
    {
        var certificatePath = Path.Combine(keysDirectory, KeyId + ".crt");
        if (!File.Exists(certificatePath))
        {
            return null;
        }

        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
        if (certificate.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
            {
                return rsa.VerifyHash(Payload, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
        }

        using var ecdsa = certificate.GetECDsaPublicKey()!;
        return ecdsa.VerifyHash(Payload, signature, DSASignatureFormat.Rfc3279DerSequence);
    }
}
