using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Tests.Infrastructure;

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>One bad file beside a key refuses that key only; every other key is still served.</summary>
public sealed class KeyIndexRobustnessTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Index_WhenACertificateHasAMalformedSan_RefusesThatKey_AndServesTheOthers()
    {
        using var good = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var broken = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        WriteKey("good", good.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(_directory.Path, "good.pub"), good.ExportSubjectPublicKeyInfoPem());
        WriteKey("broken", broken.ExportPkcs8PrivateKeyPem());
        var request = new CertificateRequest("CN=broken.example", broken, HashAlgorithmName.SHA256);
        // A subjectAltName whose contents are not a valid GeneralNames sequence.
        request.CertificateExtensions.Add(new X509Extension("2.5.29.17", [0x30, 0x03, 0x82, 0x05, 0x41], critical: false));
        using (var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)))
        {
            File.WriteAllText(Path.Combine(_directory.Path, "broken.crt"), certificate.ExportCertificatePem());
        }

        using var server = new KeyServerHarness(_directory.Path);

        Assert.Null((await server.SignAsync("good", Operation.EcdsaSha256, new byte[32])).Error);
        Assert.Equal(ErrorCode.KeyNotFound, (await server.SignAsync("broken", Operation.EcdsaSha256, new byte[32])).Error.Code);
        Assert.Contains(server.Logs.Entries, entry => entry.Message.Contains("broken.key", StringComparison.Ordinal) && entry.Message.Contains("could not be parsed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Index_WhenAnEcPublicKeyIsCompressed_RefusesThatKeyWithTheFix()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        WriteKey("compressed", key.ExportPkcs8PrivateKeyPem());
        var result = await KeylessGeo.Testing.ExternalProcess.RunAsync(
            "openssl", ["pkey", "-in", Path.Combine(_directory.Path, "compressed.key"), "-pubout", "-ec_conv_form", "compressed", "-out", Path.Combine(_directory.Path, "compressed.pub")]);
        result.EnsureSuccess("openssl pkey");

        using var server = new KeyServerHarness(_directory.Path);

        Assert.Equal(ErrorCode.KeyNotFound, (await server.SignAsync("compressed", Operation.EcdsaSha256, new byte[32])).Error.Code);
        Assert.Contains(server.Logs.Entries, entry => entry.Message.Contains("compressed form", StringComparison.Ordinal));
    }

    public void Dispose() => _directory.Dispose();

    private void WriteKey(string name, string pem)
    {
        var path = Path.Combine(_directory.Path, name + ".key");
        File.WriteAllText(path, pem);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
