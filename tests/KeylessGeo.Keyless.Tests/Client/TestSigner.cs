using System.Formats.Asn1;
using System.Security.Cryptography;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>
/// The test server's keys (ECDSA P-256 and RSA-2048) and the answers a conforming server gives,
/// straight from the protocol facts, so the client's results can be verified with .NET.
/// </summary>
internal sealed class TestSigner : IDisposable
{
    public ECDsa Ecdsa { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public RSA Rsa { get; } = RSA.Create(2048);

    /// <summary>SHA-1 of the subjectPublicKey bit string of the ECDSA key's SubjectPublicKeyInfo.</summary>
    public byte[] EcdsaSki => Ski(Ecdsa.ExportSubjectPublicKeyInfo());

    /// <summary>SHA-1 of the subjectPublicKey bit string of the RSA key's SubjectPublicKeyInfo.</summary>
    public byte[] RsaSki => Ski(Rsa.ExportSubjectPublicKeyInfo());

    /// <summary>The response a conforming server sends for <paramref name="request"/>.</summary>
    public byte[] Answer(ReceivedRequest request)
    {
        var ski = request.Item(0x04);
        var op = request.Opcode;
        if (op == FactsWire.Ping)
        {
            return FactsWire.Pong(request.Id, request.Payload);
        }

        var isEcdsa = op is >= 0x12 and <= 0x17;
        if (ski is not null && !ski.AsSpan().SequenceEqual(isEcdsa ? EcdsaSki : RsaSki))
        {
            return FactsWire.Error(request.Id, 0x02);
        }

        try
        {
            byte[]? result = op switch
            {
                _ when isEcdsa => Ecdsa.SignHash(request.Payload, DSASignatureFormat.Rfc3279DerSequence),
                0x01 => Rsa.Decrypt(request.Payload, RSAEncryptionPadding.Pkcs1),
                0x05 => Rsa.SignHash(request.Payload, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                0x35 => Rsa.SignHash(request.Payload, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
                _ => null,
            };
            return result is null ? FactsWire.Error(request.Id, 0x05) : FactsWire.Response(request.Id, result);
        }
        catch (CryptographicException)
        {
            return FactsWire.Error(request.Id, 0x01);
        }
    }

    /// <summary>True when <paramref name="signature"/> is a DER ECDSA signature of <paramref name="digest"/> by <see cref="Ecdsa"/>.</summary>
    public bool VerifyEcdsa(byte[] digest, ReadOnlyMemory<byte> signature)
        => Ecdsa.VerifyHash(digest, signature.Span, DSASignatureFormat.Rfc3279DerSequence);

    public void Dispose()
    {
        Ecdsa.Dispose();
        Rsa.Dispose();
    }

    private static byte[] Ski(byte[] subjectPublicKeyInfo)
    {
        var spki = new AsnReader(subjectPublicKeyInfo, AsnEncodingRules.DER).ReadSequence();
        spki.ReadSequence();
        var key = spki.ReadBitString(out _);
        return SHA1.HashData(key);
    }
}
