using KeylessGeo.EdgeTls.Tests.Infrastructure;

namespace KeylessGeo.EdgeTls.Tests;

/// <summary>
/// Our edge host, as its own process, completes real TLS 1.3 and 1.2 handshakes for certificates
/// whose keys are only in the keyserver, through the same OpenSSL module nginx uses; each
/// handshake's private-key operation shows in the keyserver's counters.
/// </summary>
[Collection(EdgeTlsCollection.Name)]
public sealed class EdgeHostHandshakeTests(EdgeTlsFixture fixture)
{
    private const string Body = "keylessgeo edge host edge-test";

    private EdgeTlsStack Stack => fixture.Stack;

    [Theory]
    [InlineData("rsa.example.com", "TLSv1.3", "RSA-PSS", "OPERATION_RSA_PSS_SHA256", new[] { "-tls1_3" })]
    [InlineData("rsa.example.com", "TLSv1.2", "RSA-PSS", "OPERATION_RSA_PSS_SHA256", new[] { "-tls1_2" })]
    [InlineData("rsa.example.com", "TLSv1.2", "RSA", "OPERATION_RSA_PKCS1_SHA256", new[] { "-tls1_2", "-sigalgs", "rsa_pkcs1_sha256" })]
    [InlineData("ec.example.com", "TLSv1.3", "ECDSA", "OPERATION_ECDSA_SHA256", new[] { "-tls1_3" })]
    [InlineData("ec.example.com", "TLSv1.2", "ECDSA", "OPERATION_ECDSA_SHA256", new[] { "-tls1_2" })]
    public async Task OpenSslClient_CompletesHandshake_WithTheKeyInTheKeyserver(string serverName, string protocol, string signature, string operation, string[] options)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var edgeHost = await Stack.EdgeHostAsync(timeout.Token);
        var before = await Stack.KeyserverOperationsAsync(operation, timeout.Token);

        var result = await TlsClient.OpenSslAsync(edgeHost.Port, serverName, Stack.CaCertificate, options);

        var summary = result.StandardError;
        Assert.True(result.ExitCode == 0, $"s_client exited {result.ExitCode}:\n{summary}\n{result.StandardOutput}\nedge host:\n{edgeHost.Output}");
        Assert.Contains($"Protocol version: {protocol}", summary);
        Assert.Contains("Verification: OK", summary);
        Assert.Contains($"Signature type: {signature}\n", summary.ReplaceLineEndings("\n"));
        Assert.Contains($"{Body}: {serverName} over Tls1{protocol[^1]}", result.StandardOutput);
        Assert.Equal(before + 1, await Stack.KeyserverOperationsAsync(operation, timeout.Token));
    }

    [Theory]
    [InlineData("rsa.example.com", "OPERATION_RSA_PSS_SHA256", "Tls13", new[] { "--tlsv1.3" })]
    [InlineData("rsa.example.com", "OPERATION_RSA_PSS_SHA256", "Tls12", new[] { "--tlsv1.2", "--tls-max", "1.2" })]
    [InlineData("ec.example.com", "OPERATION_ECDSA_SHA256", "Tls13", new[] { "--tlsv1.3" })]
    [InlineData("ec.example.com", "OPERATION_ECDSA_SHA256", "Tls12", new[] { "--tlsv1.2", "--tls-max", "1.2" })]
    public async Task Curl_FetchesTheResponse_WithTheKeyInTheKeyserver(string serverName, string operation, string protocol, string[] options)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var edgeHost = await Stack.EdgeHostAsync(timeout.Token);
        var before = await Stack.KeyserverOperationsAsync(operation, timeout.Token);

        var result = await TlsClient.CurlAsync(edgeHost.Port, serverName, Stack.CaCertificate, options);

        Assert.True(result.ExitCode == 0, $"curl exited {result.ExitCode}: {result.StandardError}\nedge host:\n{edgeHost.Output}");
        Assert.StartsWith($"{Body}: {serverName} over {protocol}", result.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("\n0", result.StandardOutput.TrimEnd('\n', '\r'), StringComparison.Ordinal);
        Assert.Equal(before + 1, await Stack.KeyserverOperationsAsync(operation, timeout.Token));
    }

    [Fact]
    public async Task RsaKeyExchange_IsNotOffered_AndTheClientGetsAnAlert()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var edgeHost = await Stack.EdgeHostAsync(timeout.Token);

        var result = await TlsClient.OpenSslAsync(edgeHost.Port, "rsa.example.com", Stack.CaCertificate, "-tls1_2", "-cipher", "AES128-GCM-SHA256");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("alert handshake failure", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EdgeHostMemory_AfterHandshakes_HoldsNoPrivateKeyBytes()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var edgeHost = await Stack.EdgeHostAsync(timeout.Token);
        foreach (var serverName in new[] { "rsa.example.com", "ec.example.com" })
        {
            var result = await TlsClient.OpenSslAsync(edgeHost.Port, serverName, Stack.CaCertificate, "-tls1_3");
            Assert.True(result.ExitCode == 0 && result.StandardOutput.Contains(Body, StringComparison.Ordinal), result.StandardError);
        }

        var needles = await PrivateKeyNeedles.ReadAsync(Stack);
        needles.AssertAbsentFrom(edgeHost.Pid, "edge host");
    }

    [Fact]
    public async Task ACertificateWithItsKeyOnLocalDisk_IsServedBesideTheKeylessOnes()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var edgeHost = await Stack.EdgeHostAsync(timeout.Token);

        var result = await TlsClient.CurlAsync(edgeHost.Port, "local.example.com", Stack.CaCertificate, "--tlsv1.3");

        Assert.True(result.ExitCode == 0, $"curl exited {result.ExitCode}: {result.StandardError}\nedge host:\n{edgeHost.Output}");
        Assert.StartsWith($"{Body}: local.example.com over Tls13", result.StandardOutput, StringComparison.Ordinal);
    }
}
