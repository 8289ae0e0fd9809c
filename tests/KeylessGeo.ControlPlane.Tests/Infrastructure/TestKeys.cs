using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>Private keys and certificates for import tests, as PEM text.</summary>
public static class TestKeys
{
    public const string Passphrase = "correct horse battery staple";

    public static string EcP256Pkcs8()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public static string EcSec1(ECCurve curve)
    {
        using var key = ECDsa.Create(curve);
        return key.ExportECPrivateKeyPem();
    }

    public static string RsaPkcs1(int bits = 2048)
    {
        using var key = RSA.Create(bits);
        return key.ExportRSAPrivateKeyPem();
    }

    public static string RsaPkcs8(int bits = 2048)
    {
        using var key = RSA.Create(bits);
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>Encrypted PKCS#8 (PBES2, PBKDF2-SHA256, AES-256-CBC).</summary>
    public static string Encrypted(string pem, string passphrase = Passphrase)
    {
        using var key = Load(pem);
        return key.ExportEncryptedPkcs8PrivateKeyPem(passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 2048));
    }

    /// <summary>An Ed25519 PKCS#8 key from openssl (.NET cannot generate one).</summary>
    public static async Task<string> Ed25519Async(TempDirectory directory, string name = "ed25519.key")
    {
        var path = directory.File(name);
        await OpenSslCli.GenerateEd25519Async(path);
        return await File.ReadAllTextAsync(path);
    }

    /// <summary>A self-signed certificate for <paramref name="pem"/>'s key with SAN DNS names.</summary>
    public static string Certificate(string pem, params string[] dnsNames) => Certificate(pem, dnsNames, []);

    /// <summary>A self-signed certificate for <paramref name="pem"/>'s key with SAN DNS names and SAN IP addresses.</summary>
    public static string Certificate(string pem, string[] dnsNames, System.Net.IPAddress[] ipAddresses)
    {
        using var key = Load(pem);
        var request = key switch
        {
            RSA rsa => new CertificateRequest("CN=" + (dnsNames.FirstOrDefault() ?? "test"), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => new CertificateRequest("CN=" + (dnsNames.FirstOrDefault() ?? "test"), ec, HashAlgorithmName.SHA256),
            _ => throw new NotSupportedException(),
        };
        if (dnsNames.Length > 0 || ipAddresses.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames)
            {
                san.AddDnsName(name);
            }

            foreach (var address in ipAddresses)
            {
                san.AddIpAddress(address);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return certificate.ExportCertificatePem();
    }

    /// <summary>The PKCS#8 DER of <paramref name="pem"/> (for comparing with what a datacenter unwraps).</summary>
    public static byte[] Pkcs8Der(string pem)
    {
        using var key = Load(pem);
        return key.ExportPkcs8PrivateKey();
    }

    public static KeyMaterial Material(string pem, string? passphrase = null) =>
        passphrase is null ? KeyMaterial.FromPem(pem) : KeyMaterial.FromPem(pem, passphrase);

    private static AsymmetricAlgorithm Load(string pem)
    {
        if (pem.Contains("RSA PRIVATE KEY", StringComparison.Ordinal) || (pem.Contains("BEGIN PRIVATE KEY", StringComparison.Ordinal) && IsRsa(pem)))
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa;
        }

        var ec = ECDsa.Create();
        ec.ImportFromPem(pem);
        return ec;
    }

    private static bool IsRsa(string pem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
