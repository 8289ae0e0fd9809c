using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.Cli.Tests;

/// <summary><c>keylessgeo keyless ping|sign|bench</c> against a real keyserver's Keyless endpoint.</summary>
public sealed class KeylessCommandTests : IAsyncLifetime
{
    private const string ShopName = "shop.example.com";
    private readonly TestKeyDirectory _keys = new();
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly string _work = Directory.CreateTempSubdirectory("keylessgeo-cli-keyless-").FullName;
    private KeyServerTestHost? _host;
    private TestPemFiles? _pem;

    public async Task InitializeAsync()
    {
        await _keys.AddAsync("shop", TestKeyType.EcP256);
        await OpenSslCli.WriteSelfSignedCertificateAsync(_keys.KeyPath("shop"), Path.Combine(_keys.Path, "shop.crt"), ShopName, "DNS:" + ShopName);
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

    private string[] Connection(int? port = null) =>
        ["--address", $"127.0.0.1:{port ?? _host!.KeylessEndPoint!.Port}", "--server-name", "localhost", "--ca", _pem!.CaCertificate, "--cert", _pem.ClientCertificate, "--key", _pem.ClientKey];

    [Fact]
    public async Task Ping_IsAnsweredWithTheEcho()
    {
        var (exitCode, output) = await CliRunner.RunAsync(["keyless", "ping", .. Connection(), "--payload-hex", "00112233"]);

        Assert.Equal(0, exitCode);
        Assert.Contains("pong from 127.0.0.1:", output, StringComparison.Ordinal);
        Assert.Contains("payload echoed: 4 bytes match", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_BySki_WritesASignatureThatVerifies()
    {
        var signature = Path.Combine(_work, "by-ski.der");
        var ski = Convert.ToHexStringLower(_keys.Ski("shop"));
        var input = Path.Combine(_work, "transcript.bin");
        await File.WriteAllBytesAsync(input, "handshake transcript"u8.ToArray());

        var (exitCode, output) = await CliRunner.RunAsync(["keyless", "sign", .. Connection(), "--ski", ski, "--operation", "ecdsa-sha256", "--input", input, "--out", signature]);

        Assert.True(exitCode == 0, output);
        Assert.Contains("ECDSA_SIGN_SHA256", output, StringComparison.Ordinal);
        Assert.True(await OpenSslCli.VerifyAsync(_keys.PublicKeyPath("shop"), await DigestFileAsync(input), signature), output);
    }

    [Fact]
    public async Task Sign_BySni_WritesASignatureThatVerifies()
    {
        var signature = Path.Combine(_work, "by-sni.der");
        var digest = SHA256.HashData("by name"u8);

        var (exitCode, output) = await CliRunner.RunAsync(["keyless", "sign", .. Connection(), "--sni", ShopName, "--operation", "EcdsaSha256", "--payload-hex", Convert.ToHexString(digest), "--out", signature]);

        Assert.True(exitCode == 0, output);
        using var publicKey = _keys.LoadEcdsa("shop");
        Assert.True(publicKey.VerifyHash(digest, await File.ReadAllBytesAsync(signature), DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task Sign_ByPublicKeyFile_DerivesTheSki()
    {
        var digest = SHA256.HashData("by file"u8);

        var (exitCode, output) = await CliRunner.RunAsync(["keyless", "sign", .. Connection(), "--public-key", _keys.PublicKeyPath("shop"), "--operation", "EcdsaSha256", "--payload-hex", Convert.ToHexString(digest)]);

        Assert.True(exitCode == 0, output);
        var signature = Convert.FromHexString(output.Split('\n', StringSplitOptions.TrimEntries)[2]);
        using var publicKey = _keys.LoadEcdsa("shop");
        Assert.True(publicKey.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task Sign_WhenKeyUnknown_NamesKeyNotFound_AndExitsOne()
    {
        var (exitCode, output) = await CliRunner.RunAsync(["keyless", "sign", .. Connection(), "--ski", new string('a', 40), "--operation", "EcdsaSha256", "--payload-hex", new string('0', 64)]);

        Assert.Equal(1, exitCode);
        Assert.Contains("error KEY_NOT_FOUND (0x02)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_WithBadArguments_ListsEveryProblem_AndExitsTwo()
    {
        var (exitCode, output) = await CliRunner.RunAsync(["keyless", "sign", "--address", "https://keyserver:2407", "--ski", "abc", "--operation", "ecdsa-sha999", "--payload-hex", "00"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("bad arguments: unknown operation 'ecdsa-sha999'", output, StringComparison.Ordinal);
        Assert.Contains("bad arguments: --ski 'abc' must be 40 hex digits.", output, StringComparison.Ordinal);
        Assert.Contains("must be HOST:PORT (the Keyless protocol has no URL scheme)", output, StringComparison.Ordinal);
        Assert.Contains("bad arguments: --ca is required", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_WithoutAKey_SaysHowToNameOne_AndExitsTwo()
    {
        var (exitCode, output) = await CliRunner.RunAsync(["keyless", "sign", .. Connection(), "--operation", "EcdsaSha256", "--payload-hex", "00"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("name the key with --ski, --digest, --sni, --server-ip or --public-key", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_WhenNothingListens_ExitsThree()
    {
        var (exitCode, output) = await CliRunner.RunAsync(["keyless", "ping", .. Connection(ClosedPort()), "--timeout-ms", "3000"]);

        Assert.Equal(3, exitCode);
        Assert.Contains("call failed: Unavailable", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_ForOneSecond_ReportsAPositiveRate()
    {
        var (exitCode, output) = await CliRunner.RunAsync(["keyless", "bench", .. Connection(), "--connections", "2", "--inflight", "4", "--duration", "1", "--operation", "EcdsaSha256", "--ski", Convert.ToHexString(_keys.Ski("shop"))]);

        Assert.True(exitCode == 0, output);
        var rate = output.Split('\n').Select(line => line.Trim()).Single(line => line.StartsWith("rate: ", StringComparison.Ordinal));
        Assert.True(double.Parse(rate["rate: ".Length..^" ops/s".Length], System.Globalization.CultureInfo.InvariantCulture) > 0, output);
        Assert.Contains("latency: p50 ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("error ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_WithAnUnknownKey_CountsTheErrorsByKind()
    {
        var (exitCode, output) = await CliRunner.RunAsync(["keyless", "bench", .. Connection(), "--inflight", "2", "--duration", "0.2", "--operation", "EcdsaSha256", "--ski", new string('b', 40)]);

        Assert.Equal(1, exitCode);
        Assert.Contains("0 ok", output, StringComparison.Ordinal);
        Assert.Contains("error KEY_NOT_FOUND: ", output, StringComparison.Ordinal);
    }

    private async Task<string> DigestFileAsync(string input)
    {
        var path = input + ".sha256";
        await File.WriteAllBytesAsync(path, SHA256.HashData(await File.ReadAllBytesAsync(input)));
        return path;
    }

    private static int ClosedPort()
    {
        // A port that was just free: bound and released, so nothing listens on it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
