using System.Security.Cryptography;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.Cli.Tests;

/// <summary><c>keylessgeo sign</c> and <c>keylessgeo capacity</c> against a real keyserver.</summary>
public sealed class KeyServerCommandTests : IAsyncLifetime
{
    private readonly TestKeyDirectory _keys = new();
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly string _work = Directory.CreateTempSubdirectory("keylessgeo-cli-").FullName;
    private KeyServerTestHost? _host;
    private TestPemFiles? _pem;

    public async Task InitializeAsync()
    {
        await _keys.AddAsync("shop", TestKeyType.EcP256);
        _host = await KeyServerTestHost.StartAsync(_keys.Path, _tls);
        _pem = _tls.WritePem(_work);
    }

    public async Task DisposeAsync()
    {
        await _host!.DisposeAsync();
        _keys.Dispose();
        _tls.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    private string[] Connection() =>
        ["--address", _host!.Address.ToString(), "--ca", _pem!.CaCertificate, "--cert", _pem.ClientCertificate, "--key", _pem.ClientKey];

    [Fact]
    public async Task Sign_WithAnInputFile_WritesASignatureOverItsDigest()
    {
        var input = Path.Combine(_work, "transcript.bin");
        var signature = Path.Combine(_work, "signature.der");
        await File.WriteAllBytesAsync(input, "handshake transcript"u8.ToArray());

        var (exitCode, output) = await CliRunner.RunAsync(["sign", .. Connection(), "--key-id", "shop", "--operation", "ecdsa-sha256", "--input", input, "--out", signature]);

        Assert.Equal(0, exitCode);
        Assert.Contains($"served by {KeyServerTestHost.KeyServerId} in {KeyServerTestHost.Datacenter}", output, StringComparison.Ordinal);
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(await File.ReadAllTextAsync(_keys.PublicKeyPath("shop")));
        var signed = await File.ReadAllBytesAsync(signature);
        Assert.True(publicKey.VerifyData("handshake transcript"u8.ToArray(), signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task Sign_WhenKeyUnknown_PrintsKeyNotFound_AndExitsOne()
    {
        var (exitCode, output) = await CliRunner.RunAsync(["sign", .. Connection(), "--key-id", "nope", "--operation", "EcdsaSha256", "--payload-hex", new string('0', 64)]);

        Assert.Equal(1, exitCode);
        Assert.Contains("error KeyNotFound", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_WithAnUnknownOperation_ListsTheValidOnes_AndExitsTwo()
    {
        var (exitCode, output) = await CliRunner.RunAsync(["sign", .. Connection(), "--key-id", "shop", "--operation", "ecdsa-sha999", "--payload-hex", "00"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("unknown operation 'ecdsa-sha999'", output, StringComparison.Ordinal);
        Assert.Contains("EcdsaSha256", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_WithoutAPayload_SaysHowToGiveOne_AndExitsTwo()
    {
        var (exitCode, output) = await CliRunner.RunAsync(["sign", .. Connection(), "--key-id", "shop", "--operation", "EcdsaSha256"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("--input FILE or --payload-hex HEX", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_WithAnAddressThatIsNotHttpsOrUnix_IsRefusedBeforeConnecting()
    {
        var (exitCode, output) = await CliRunner.RunAsync(["sign", "--address", "keyserver:7443", "--ca", _pem!.CaCertificate, "--cert", _pem.ClientCertificate, "--key", _pem.ClientKey, "--key-id", "shop", "--operation", "EcdsaSha256", "--payload-hex", "00"]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("must be https://host:port, http://127.0.0.1:port or unix:/path", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_WithAnHttpsAddressButNoClientCertificate_SaysWhichOptionsAreMissing()
    {
        var (exitCode, output) = await CliRunner.RunAsync(["sign", "--address", "https://localhost:7443", "--key-id", "shop", "--operation", "EcdsaSha256", "--payload-hex", "00"]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--ca is required with an https:// address", output, StringComparison.Ordinal);
        Assert.Contains("--cert is required with an https:// address", output, StringComparison.Ordinal);
        Assert.Contains("--key is required with an https:// address", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capacity_PrintsTheKeyServerAndItsLoad()
    {
        var (exitCode, output) = await CliRunner.RunAsync(["capacity", .. Connection()]);

        Assert.Equal(0, exitCode);
        Assert.Contains($"keyserver {KeyServerTestHost.KeyServerId} in {KeyServerTestHost.Datacenter}", output, StringComparison.Ordinal);
        Assert.Contains("queued", output, StringComparison.Ordinal);

        // The test keyserver does not calibrate: no measurement is said in words, not as an empty table.
        Assert.Contains("capacity: not measured", output, StringComparison.Ordinal);
        Assert.DoesNotContain("operations/s", output, StringComparison.Ordinal);
    }
}
