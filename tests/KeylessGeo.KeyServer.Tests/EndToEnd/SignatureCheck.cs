using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Tests.EndToEnd;

/// <summary>Verifies keyserver signatures without the keyserver: .NET for RSA and ECDSA, the openssl CLI for Ed25519.</summary>
internal static class SignatureCheck
{
    /// <summary>True when <paramref name="signature"/> verifies over the digest <paramref name="digest"/> with .NET.</summary>
    public static bool InProcess(TestKeyDirectory keys, string key, Operation operation, byte[] digest, byte[] signature)
    {
        switch (operation)
        {
            case Operation.EcdsaSha256 or Operation.EcdsaSha384 or Operation.EcdsaSha512 or Operation.EcdsaSha1 or Operation.EcdsaSha224:
                using (var ecdsa = keys.LoadEcdsa(key))
                {
                    return ecdsa.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence);
                }

            case Operation.RsaPkcs1Sha256:
                using (var rsa = keys.LoadRsa(key))
                {
                    return rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }

            case Operation.RsaPssSha256:
                using (var rsa = keys.LoadRsa(key))
                {
                    return rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation, "no in-process check for this operation");
        }
    }

    /// <summary>True when <c>openssl pkeyutl -verify</c> accepts <paramref name="signature"/> over <paramref name="input"/>.</summary>
    public static async Task<bool> OpenSslAsync(string publicKeyPath, byte[] input, byte[] signature, string[] options)
    {
        var work = Directory.CreateTempSubdirectory("keylessgeo-e2e-verify-").FullName;
        try
        {
            var inputPath = Path.Combine(work, "input");
            var signaturePath = Path.Combine(work, "signature");
            await File.WriteAllBytesAsync(inputPath, input);
            await File.WriteAllBytesAsync(signaturePath, signature);
            return await OpenSslCli.VerifyAsync(publicKeyPath, inputPath, signaturePath, options);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
