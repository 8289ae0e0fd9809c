using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Tests.Infrastructure;

/// <summary>
/// One directory of keys in every accepted PEM form, made once per test run by the openssl
/// CLI (RSA 4096 generation is slow). Tests that change files copy keys to their own folder.
/// </summary>
public sealed class TestKeys : IAsyncLifetime
{
    public const string Rsa2048Pkcs1 = "rsa2048-pkcs1";
    public const string Rsa3072Pkcs1 = "rsa3072-pkcs1";
    public const string Rsa4096Pkcs1 = "rsa4096-pkcs1";
    public const string Rsa2048Pkcs8 = "rsa2048-pkcs8";
    public const string EcP256Sec1 = "ecp256-sec1";
    public const string EcP384Sec1 = "ecp384-sec1";
    public const string EcP521Sec1 = "ecp521-sec1";
    public const string EcP256Pkcs8 = "ecp256-pkcs8";
    public const string Ed25519 = "ed25519";

    public static readonly string[] RsaKeys = [Rsa2048Pkcs1, Rsa3072Pkcs1, Rsa4096Pkcs1, Rsa2048Pkcs8];
    public static readonly string[] EcKeys = [EcP256Sec1, EcP384Sec1, EcP521Sec1, EcP256Pkcs8];

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "keylessgeo-keys-" + Guid.NewGuid().ToString("N"));

    public string KeyPath(string name) => Path.Combine(Directory, name + ".key");

    public string PublicKeyPath(string name) => Path.Combine(Directory, name + ".pub.pem");

    public string CertificatePath(string name) => Path.Combine(Directory, name + ".crt");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        await Task.WhenAll(
            OpenSslCli.GenerateRsaPkcs1Async(KeyPath(Rsa2048Pkcs1), 2048),
            OpenSslCli.GenerateRsaPkcs1Async(KeyPath(Rsa3072Pkcs1), 3072),
            OpenSslCli.GenerateRsaPkcs1Async(KeyPath(Rsa4096Pkcs1), 4096),
            OpenSslCli.GenerateRsaPkcs8Async(KeyPath(Rsa2048Pkcs8), 2048),
            OpenSslCli.GenerateEcSec1Async(KeyPath(EcP256Sec1), "prime256v1"),
            OpenSslCli.GenerateEcSec1Async(KeyPath(EcP384Sec1), "secp384r1"),
            OpenSslCli.GenerateEcSec1Async(KeyPath(EcP521Sec1), "secp521r1"),
            OpenSslCli.GenerateEcPkcs8Async(KeyPath(EcP256Pkcs8), "P-256"),
            OpenSslCli.GenerateEd25519Async(KeyPath(Ed25519)));

        // Public keys for verification live beside, under a name the indexer does not read
        // (NAME.pub.pem); which NAME.pub/NAME.crt the index sees is chosen below.
        string[] all = [.. RsaKeys, .. EcKeys, Ed25519];
        await Task.WhenAll(all.Select(name => OpenSslCli.WritePublicKeyAsync(KeyPath(name), PublicKeyPath(name))));

        await OpenSslCli.WriteSelfSignedCertificateAsync(
            KeyPath(Rsa2048Pkcs1), CertificatePath(Rsa2048Pkcs1), "rsa.example.com",
            "DNS:www.example.com,DNS:*.wild.example.com,IP:192.0.2.10,IP:2001:db8::10");
        await OpenSslCli.WriteSelfSignedCertificateAsync(KeyPath(EcP256Sec1), CertificatePath(EcP256Sec1), "ec.example.net", null);
        await OpenSslCli.WriteSelfSignedCertificateAsync(KeyPath(Ed25519), CertificatePath(Ed25519), "ed.example.org", "DNS:ed.example.org,IP:198.51.100.7");
        foreach (var name in new[] { Rsa3072Pkcs1, Rsa4096Pkcs1, Rsa2048Pkcs8, EcP521Sec1, EcP256Pkcs8 })
        {
            File.Copy(PublicKeyPath(name), Path.Combine(Directory, name + ".pub"));
        }

        // EcP384Sec1 has neither: its public key is derived from the private key at indexing.
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Copies key <paramref name="name"/> (and its .pub/.crt) into <paramref name="directory"/> as <paramref name="as"/>.</summary>
    public void CopyTo(string name, string directory, string? @as = null)
    {
        @as ??= name;
        foreach (var extension in new[] { ".key", ".pub", ".crt" })
        {
            var source = Path.Combine(Directory, name + extension);
            if (File.Exists(source))
            {
                var target = Path.Combine(directory, @as + extension);
                File.Copy(source, target, overwrite: true);
                File.SetUnixFileMode(target, File.GetUnixFileMode(source));
            }
        }
    }
}
