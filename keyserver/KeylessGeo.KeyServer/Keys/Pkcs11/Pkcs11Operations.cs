using System.Formats.Asn1;
using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// Runs one operation through a token with the mechanism that gives the same bytes an
/// in-process key gives: CKM_RSA_PKCS over a DigestInfo (over the bare 36 bytes for MD5+SHA1),
/// CKM_RSA_PKCS_PSS with salt length = hash length and MGF1 with the same hash, CKM_RSA_PKCS and
/// CKM_RSA_X_509 decryption, and CKM_ECDSA, whose r||s output is re-encoded as the DER
/// ECDSA-Sig-Value the protocol carries.
/// </summary>
internal static class Pkcs11Operations
{
    /// <summary>Performs <paramref name="operation"/> with private key <paramref name="key"/>; <paramref name="modulusBytes"/> is the RSA output size.</summary>
    public static byte[] Execute(ISession session, IObjectHandle key, Operation operation, byte[] payload, int modulusBytes)
    {
        var mechanisms = Pkcs11Module.Factories.MechanismFactory;
        switch (operation)
        {
            case Operation.RsaPkcs1Md5Sha1:
                return session.Sign(mechanisms.Create(CKM.CKM_RSA_PKCS), key, payload);
            case Operation.RsaPkcs1Sha1:
                return session.Sign(mechanisms.Create(CKM.CKM_RSA_PKCS), key, DigestInfo(HashAlgorithmName.SHA1, payload));
            case Operation.RsaPkcs1Sha224:
                return session.Sign(mechanisms.Create(CKM.CKM_RSA_PKCS), key, DigestInfo(Sha224, payload));
            case Operation.RsaPkcs1Sha256:
                return session.Sign(mechanisms.Create(CKM.CKM_RSA_PKCS), key, DigestInfo(HashAlgorithmName.SHA256, payload));
            case Operation.RsaPkcs1Sha384:
                return session.Sign(mechanisms.Create(CKM.CKM_RSA_PKCS), key, DigestInfo(HashAlgorithmName.SHA384, payload));
            case Operation.RsaPkcs1Sha512:
                return session.Sign(mechanisms.Create(CKM.CKM_RSA_PKCS), key, DigestInfo(HashAlgorithmName.SHA512, payload));
            case Operation.RsaPssSha256:
                return session.Sign(Pss(CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, 32), key, payload);
            case Operation.RsaPssSha384:
                return session.Sign(Pss(CKM.CKM_SHA384, CKG.CKG_MGF1_SHA384, 48), key, payload);
            case Operation.RsaPssSha512:
                return session.Sign(Pss(CKM.CKM_SHA512, CKG.CKG_MGF1_SHA512, 64), key, payload);
            case Operation.RsaDecryptPkcs1:
                return Decrypt(session, mechanisms.Create(CKM.CKM_RSA_PKCS), key, payload);
            case Operation.RsaDecryptRaw:
                return PadToModulus(Decrypt(session, mechanisms.Create(CKM.CKM_RSA_X_509), key, payload), modulusBytes);
            case Operation.EcdsaMd5Sha1 or Operation.EcdsaSha1 or Operation.EcdsaSha224 or
                Operation.EcdsaSha256 or Operation.EcdsaSha384 or Operation.EcdsaSha512:
                return EcdsaDer(session.Sign(mechanisms.Create(CKM.CKM_ECDSA), key, payload));
            default:
                throw new CryptographicException($"operation {operation} cannot be performed by a PKCS#11 token");
        }
    }

    private static readonly HashAlgorithmName Sha224 = new("SHA224");

    /// <summary>
    /// Decrypts; a ciphertext the token cannot decrypt is a <see cref="CryptographicException"/>
    /// (<c>CRYPTO_FAILURE</c>, as a key file gives). Tokens say so differently: the specification's
    /// CKR_ENCRYPTED_DATA_INVALID, or (SoftHSM2 for bad PKCS#1 padding) CKR_GENERAL_ERROR or
    /// CKR_FUNCTION_FAILED; the session stays usable either way.
    /// </summary>
    private static byte[] Decrypt(ISession session, IMechanism mechanism, IObjectHandle key, byte[] ciphertext)
    {
        try
        {
            return session.Decrypt(mechanism, key, ciphertext);
        }
        catch (Pkcs11Exception e) when (Pkcs11ReturnValues.IsInputRejected(e.RV) || e.RV is CKR.CKR_GENERAL_ERROR or CKR.CKR_FUNCTION_FAILED)
        {
            throw new CryptographicException($"the token could not decrypt the ciphertext ({e.RV})");
        }
    }

    private static IMechanism Pss(CKM hash, CKG mgf, ulong saltLength) =>
        Pkcs11Module.Factories.MechanismFactory.Create(
            CKM.CKM_RSA_PKCS_PSS,
            Pkcs11Module.Factories.MechanismParamsFactory.CreateCkRsaPkcsPssParams((ulong)hash, (ulong)mgf, saltLength));

    /// <summary>The DER DigestInfo PKCS#1 v1.5 signs: SEQUENCE { AlgorithmIdentifier { hash OID, NULL }, OCTET STRING digest }.</summary>
    private static byte[] DigestInfo(HashAlgorithmName hash, byte[] digest)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(hash.Name switch
                {
                    "SHA1" => "1.3.14.3.2.26",
                    "SHA224" => "2.16.840.1.101.3.4.2.4",
                    "SHA256" => "2.16.840.1.101.3.4.2.1",
                    "SHA384" => "2.16.840.1.101.3.4.2.2",
                    "SHA512" => "2.16.840.1.101.3.4.2.3",
                    _ => throw new CryptographicException($"no DigestInfo for {hash.Name}"),
                });
                writer.WriteNull();
            }

            writer.WriteOctetString(digest);
        }

        return writer.Encode();
    }

    /// <summary>Raw RSA decryption yields the modulus-length block; a token may drop its leading zero bytes.</summary>
    private static byte[] PadToModulus(byte[] plaintext, int modulusBytes)
    {
        if (plaintext.Length == modulusBytes)
        {
            return plaintext;
        }

        if (plaintext.Length > modulusBytes)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new CryptographicException("the raw RSA plaintext was longer than the modulus");
        }

        var padded = new byte[modulusBytes];
        plaintext.CopyTo(padded, modulusBytes - plaintext.Length);
        CryptographicOperations.ZeroMemory(plaintext);
        return padded;
    }

    /// <summary>CKM_ECDSA returns r||s, each as long as the curve order; the protocol carries DER SEQUENCE { INTEGER r, INTEGER s }.</summary>
    private static byte[] EcdsaDer(byte[] signature)
    {
        if (signature.Length == 0 || signature.Length % 2 != 0)
        {
            throw new CryptographicException($"the token's ECDSA signature has an odd length ({signature.Length} bytes)");
        }

        var half = signature.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(TrimLeadingZeros(signature.AsSpan(0, half)));
            writer.WriteIntegerUnsigned(TrimLeadingZeros(signature.AsSpan(half)));
        }

        return writer.Encode();
    }

    private static ReadOnlySpan<byte> TrimLeadingZeros(ReadOnlySpan<byte> value)
    {
        var start = value.IndexOfAnyExcept((byte)0);
        return start < 0 ? value[^1..] : value[start..];
    }
}
