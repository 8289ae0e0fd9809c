using System.Security.Cryptography;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Keyless;

namespace KeylessGeo.KeyServer.Tests.Configuration.Gokeyless;

/// <summary>
/// Issue 12 acceptance: a keyserver process started from a gokeyless-format configuration
/// (two key folders, gokeyless's relative certificate paths, a KEYLESS_ variable) signs over
/// the Keyless protocol, and openssl verifies the signatures.
/// </summary>
public sealed class GokeylessProcessTests : IAsyncLifetime
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly TestKeyDirectory _rsaKeys = new();
    private readonly TestKeyDirectory _ecKeys = new();
    private readonly string _etc = Directory.CreateTempSubdirectory("keylessgeo-gokeyless-etc-").FullName;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));

    public async Task InitializeAsync()
    {
        await _rsaKeys.AddAsync("rsa", TestKeyType.Rsa2048Pkcs1);
        await _ecKeys.AddAsync("ec", TestKeyType.EcP256);
    }

    public Task DisposeAsync()
    {
        _tls.Dispose();
        _rsaKeys.Dispose();
        _ecKeys.Dispose();
        Directory.Delete(_etc, recursive: true);
        _timeout.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public Task KeyserverStartedFromAGokeylessFile_SignsOverKeyless_AndOpenSslVerifies() => StartAndSignAsync(executable: null);

    /// <summary>
    /// The same with the executable <c>scripts/publish.sh</c> built, named by
    /// <c>KEYLESSGEO_PUBLISHED_KEYSERVER</c>: publishing takes minutes, so CI skips it; run by hand
    /// after publishing (docs/DEPLOYMENT.md).
    /// </summary>
    [PublishedKeyServerFact]
    public Task PublishedExecutable_StartsFromAGokeylessFile_AndSignsOverKeyless() =>
        StartAndSignAsync(PublishedKeyServerFactAttribute.Executable);

    private async Task StartAndSignAsync(string? executable)
    {
        // gokeyless's own layout: the files beside gokeyless.yaml, named relative to it.
        var pem = _tls.WritePem(_etc);
        File.Move(pem.ServerKey, Path.Combine(_etc, "server-key.pem"));
        File.Move(pem.CaCertificate, Path.Combine(_etc, "keyless_cacert.pem"));
        var config = Path.Combine(_etc, "gokeyless.yaml");
        await File.WriteAllTextAsync(config, $"""
            # Written as for gokeyless.
            loglevel: 1
            hostname: keyserver.example.test
            zone_id: 0123456789abcdef0123456789abcdef
            origin_ca_api_key:
            private_key_stores:
            - dir: {_rsaKeys.Path}
            - dir: {_ecKeys.Path}
            auth_cert: server.pem
            auth_key: server-key.pem
            auth_csr: server.csr
            cloudflare_ca_cert: keyless_cacert.pem
            port: 2407
            metrics_port: 0
            pid_file:
            """);

        // Flags that keep the test on loopback with free ports and skip calibration: all later
        // sources than the file, so they also show that flags override it.
        var (keyserver, endPoint) = await GokeylessKeyServerProcess.StartAsync(
            executable,
            [
                "--config-file", config,
                "--Keyless:Address", "127.0.0.1",
                "--Listen:Port", "0",
                "--KeyServer:Admission:CalibrationDuration", "00:00:00",
                "--KeyServer:Admission:Accelerator", "none",
                "--KeyServer:Admission:DefaultDeadline", "00:01:00",
            ],
            new Dictionary<string, string> { ["KEYLESS_PORT"] = "0" },
            _timeout.Token);
        await using var _ = keyserver;
        Assert.NotEqual(2407, endPoint.Port);
        Assert.Contains(keyserver.Output, line => line.Contains("Read gokeyless configuration " + config + ": 2 key folders, 0 PKCS#11 URIs", StringComparison.Ordinal));
        Assert.Contains(keyserver.Output, line => line.Contains("zone_id is not used", StringComparison.Ordinal));

        await using var client = await KeylessTestClient.ConnectAsync(
            endPoint,
            new KeylessTestClientOptions { TrustedCa = _tls.TrustedCa, ClientCertificate = _tls.ClientCertificate },
            _timeout.Token);
        await SignAndVerifyAsync(client, 1, _rsaKeys, "rsa", KeylessOpcode.RsaSignSha256, ["-pkeyopt", "rsa_padding_mode:pkcs1", "-pkeyopt", "digest:sha256"]);
        await SignAndVerifyAsync(client, 2, _ecKeys, "ec", KeylessOpcode.EcdsaSignSha256, ["-pkeyopt", "digest:sha256"]);
    }

    [Fact]
    public async Task KeyserverWithABadGokeylessFile_ExitsWithCode2_ListingTheErrors()
    {
        var config = Path.Combine(_etc, "gokeyless.yaml");
        await File.WriteAllTextAsync(config, "port: abc\ncolour: blue\nprivate_key_stores:\n  - file: /etc/keyless/one.key\n");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

        var result = await ExternalProcess.RunAsync(
            dotnet, [Path.Combine(AppContext.BaseDirectory, "KeylessGeo.KeyServer.dll"), "--gokeyless-config", config], TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("keyserver: the configuration has errors:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"{config} line 1: port must be a whole number, got 'abc'.", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"{config} line 2: unknown setting 'colour'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"{config} line 4: single key files", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    private async Task SignAndVerifyAsync(KeylessTestClient client, uint id, TestKeyDirectory keys, string name, KeylessOpcode opcode, string[] verifyOptions)
    {
        var digest = RandomNumberGenerator.GetBytes(32);
        var request = KeylessTestClient.Encode(id, new KeylessRequest { Opcode = opcode, Payload = digest, Ski = keys.Ski(name) });

        var response = await client.ExchangeAsync(request, _timeout.Token);

        Assert.False(response.IsError, response.ToString());
        var input = Path.Combine(_etc, name + ".digest");
        var signature = Path.Combine(_etc, name + ".sig");
        await File.WriteAllBytesAsync(input, digest, _timeout.Token);
        await File.WriteAllBytesAsync(signature, response.Payload, _timeout.Token);
        Assert.True(await OpenSslCli.VerifyAsync(keys.PublicKeyPath(name), input, signature, verifyOptions), $"openssl did not verify the {name} signature");

        // The same check fails for other input, or the one above proves nothing.
        digest[0] ^= 1;
        await File.WriteAllBytesAsync(input, digest, _timeout.Token);
        Assert.False(await OpenSslCli.VerifyAsync(keys.PublicKeyPath(name), input, signature, verifyOptions));
    }
}
