using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Testing;

/// <summary>
/// A private temporary key folder in the layout the keyserver serves (<c>NAME.key</c> mode 0600
/// with <c>NAME.pub</c> beside it), filled by the openssl CLI. Deleted at dispose.
/// </summary>
public sealed class TestKeyDirectory : IDisposable
{
    /// <summary>Creates an empty folder.</summary>
    public TestKeyDirectory()
    {
        Path = Directory.CreateTempSubdirectory("keylessgeo-e2e-keys-").FullName;
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The private key file of <paramref name="name"/>.</summary>
    public string KeyPath(string name) => System.IO.Path.Combine(Path, name + ".key");

    /// <summary>The SPKI PEM public key of <paramref name="name"/> (also read by the keyserver's indexer).</summary>
    public string PublicKeyPath(string name) => System.IO.Path.Combine(Path, name + ".pub");

    /// <summary>Generates key <paramref name="name"/> of <paramref name="type"/> and its public key file.</summary>
    public async Task AddAsync(string name, TestKeyType type)
    {
        var key = KeyPath(name);
        await (type switch
        {
            TestKeyType.Rsa2048Pkcs1 => OpenSslCli.GenerateRsaPkcs1Async(key, 2048),
            TestKeyType.Rsa2048Pkcs8 => OpenSslCli.GenerateRsaPkcs8Async(key, 2048),
            TestKeyType.Rsa3072Pkcs1 => OpenSslCli.GenerateRsaPkcs1Async(key, 3072),
            TestKeyType.Rsa4096Pkcs8 => OpenSslCli.GenerateRsaPkcs8Async(key, 4096),
            TestKeyType.EcP256 => OpenSslCli.GenerateEcSec1Async(key, "prime256v1"),
            TestKeyType.EcP384 => OpenSslCli.GenerateEcSec1Async(key, "secp384r1"),
            TestKeyType.EcP521 => OpenSslCli.GenerateEcPkcs8Async(key, "P-521"),
            TestKeyType.Ed25519 => OpenSslCli.GenerateEd25519Async(key),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        });
        await OpenSslCli.WritePublicKeyAsync(key, PublicKeyPath(name));
    }

    /// <summary>The key's SKI: SHA-1 of the subjectPublicKey bit string of its SPKI.</summary>
    public byte[] Ski(string name)
    {
        var spki = PemEncoding.Find(File.ReadAllText(PublicKeyPath(name)));
        var der = Convert.FromBase64String(File.ReadAllText(PublicKeyPath(name))[spki.Base64Data]);
        var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(der, out _);
        return SHA1.HashData(publicKey.EncodedKeyValue.RawData);
    }

    /// <summary>
    /// The key's certificate digest (RSA only): SHA-256 over the uppercase hex text of the modulus.
    /// </summary>
    public byte[] CertificateDigest(string name)
    {
        using var rsa = LoadRsa(name);
        var modulus = rsa.ExportParameters(false).Modulus!;
        return SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(modulus)));
    }

    /// <summary>The RSA public key of <paramref name="name"/>.</summary>
    public RSA LoadRsa(string name)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(PublicKeyPath(name)));
        return rsa;
    }

    /// <summary>The ECDSA public key of <paramref name="name"/>.</summary>
    public ECDsa LoadEcdsa(string name)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(File.ReadAllText(PublicKeyPath(name)));
        return ecdsa;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temporary folders.
        }
    }
}
