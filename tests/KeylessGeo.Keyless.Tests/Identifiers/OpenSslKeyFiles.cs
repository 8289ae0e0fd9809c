using System.Globalization;
using System.Text;
using KeylessGeo.Testing;

namespace KeylessGeo.Keyless.Tests.Identifiers;

/// <summary>
/// Keys, public keys and self-signed certificates made by the openssl CLI, with the SKI and
/// certificate digest openssl reports for each, made once per test class.
/// </summary>
public sealed class OpenSslKeyFiles : IAsyncLifetime
{
    /// <summary>The keys: name → how openssl makes the private key file.</summary>
    public static readonly IReadOnlyDictionary<string, Func<string, Task>> Generators = new Dictionary<string, Func<string, Task>>
    {
        ["rsa2048-pkcs1"] = path => OpenSslCli.GenerateRsaPkcs1Async(path, 2048),
        ["rsa3072-pkcs8"] = path => OpenSslCli.GenerateRsaPkcs8Async(path, 3072),
        ["rsa4096-pkcs1"] = path => OpenSslCli.GenerateRsaPkcs1Async(path, 4096),
        ["p256-sec1"] = path => OpenSslCli.GenerateEcSec1Async(path, "prime256v1"),
        ["p384-sec1-with-params"] = path => OpenSslCli.RunAsync("ecparam", "-genkey", "-name", "secp384r1", "-out", path),
        ["p521-pkcs8"] = path => OpenSslCli.GenerateEcPkcs8Async(path, "P-521"),
        ["ed25519"] = OpenSslCli.GenerateEd25519Async,
    };

    /// <summary>The folder holding NAME.key, NAME.pub and NAME.crt.</summary>
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("keylessgeo-keyid-").FullName;

    /// <summary>openssl's SKI of each key's certificate (lowercase hex).</summary>
    public Dictionary<string, string> Skis { get; } = [];

    /// <summary>sha256sum of openssl's modulus text for each RSA key (lowercase hex).</summary>
    public Dictionary<string, string> CertificateDigests { get; } = [];

    /// <summary>The path of <paramref name="name"/> with <paramref name="extension"/> (key, pub or crt).</summary>
    public string PathOf(string name, string extension) => Path.Combine(Directory, $"{name}.{extension}");

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        foreach (var (name, generate) in Generators)
        {
            var key = PathOf(name, "key");
            await generate(key);
            await OpenSslCli.WritePublicKeyAsync(key, PathOf(name, "pub"));
            await OpenSslCli.WriteSelfSignedCertificateAsync(key, PathOf(name, "crt"), name, null);
            Skis[name] = ParseSki(await OpenSslCli.RunAsync("x509", "-in", PathOf(name, "crt"), "-noout", "-ext", "subjectKeyIdentifier"));
            if (name.StartsWith("rsa", StringComparison.Ordinal))
            {
                var modulus = (await OpenSslCli.RunAsync("rsa", "-in", key, "-noout", "-modulus")).Trim();
                Assert.StartsWith("Modulus=", modulus, StringComparison.Ordinal);
                var text = Encoding.ASCII.GetBytes(modulus["Modulus=".Length..]);
                var sum = await ExternalProcess.RunAsync("sha256sum", [], standardInput: text);
                CertificateDigests[name] = sum.EnsureSuccess("sha256sum").StandardOutput.Split(' ')[0];
            }
        }
    }

    /// <inheritdoc/>
    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>"X509v3 Subject Key Identifier: \n    AB:CD:..." → "abcd...".</summary>
    private static string ParseSki(string output)
    {
        var line = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[^1];
        var hex = line.Replace(":", string.Empty, StringComparison.Ordinal).ToLower(CultureInfo.InvariantCulture);
        Assert.Equal(40, hex.Length);
        return hex;
    }
}
