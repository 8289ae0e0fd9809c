using KeylessGeo.EdgeTls.Tests.Infrastructure;

namespace KeylessGeo.EdgeTls.Tests;

/// <summary>
/// nginx with the keylessgeo engine completes real TLS 1.3 and 1.2 handshakes for certificates
/// whose keys are only in the keyserver, each handshake's private-key operation visible in the
/// keyserver's own counters.
/// </summary>
[Collection(EdgeTlsCollection.Name)]
public sealed class NginxHandshakeTests(EdgeTlsFixture fixture)
{
    private EdgeTlsStack Stack => fixture.Stack;

    [Theory]
    [InlineData("rsa.example.com", "keyless rsa", "TLSv1.3", "RSA-PSS", "OPERATION_RSA_PSS_SHA256", new[] { "-tls1_3" })]
    [InlineData("rsa.example.com", "keyless rsa", "TLSv1.2", "RSA-PSS", "OPERATION_RSA_PSS_SHA256", new[] { "-tls1_2" })]
    [InlineData("rsa.example.com", "keyless rsa", "TLSv1.2", "RSA", "OPERATION_RSA_PKCS1_SHA256", new[] { "-tls1_2", "-sigalgs", "rsa_pkcs1_sha256" })]
    [InlineData("ec.example.com", "keyless ec", "TLSv1.3", "ECDSA", "OPERATION_ECDSA_SHA256", new[] { "-tls1_3" })]
    [InlineData("ec.example.com", "keyless ec", "TLSv1.2", "ECDSA", "OPERATION_ECDSA_SHA256", new[] { "-tls1_2" })]
    public async Task OpenSslClient_CompletesHandshake_WithTheKeyInTheKeyserver(
        string serverName, string body, string protocol, string signature, string operation, string[] options)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var before = await Stack.KeyserverOperationsAsync(operation, timeout.Token);

        var result = await TlsClient.OpenSslAsync(Stack.Port, serverName, Stack.CaCertificate, options);

        var summary = result.StandardError;
        Assert.True(result.ExitCode == 0, $"s_client exited {result.ExitCode}:\n{summary}\n{result.StandardOutput}\nnginx:\n{Stack.Nginx.Output}");
        Assert.Contains($"Protocol version: {protocol}", summary);
        Assert.Contains("Verification: OK", summary);
        Assert.Contains($"Signature type: {signature}\n", summary.ReplaceLineEndings("\n"));
        Assert.Contains(body, result.StandardOutput);
        Assert.Equal(before + 1, await Stack.KeyserverOperationsAsync(operation, timeout.Token));
    }

    [Theory]
    [InlineData("rsa.example.com", "keyless rsa", "OPERATION_RSA_PSS_SHA256", new[] { "--tlsv1.3" })]
    [InlineData("rsa.example.com", "keyless rsa", "OPERATION_RSA_PSS_SHA256", new[] { "--tlsv1.2", "--tls-max", "1.2" })]
    [InlineData("ec.example.com", "keyless ec", "OPERATION_ECDSA_SHA256", new[] { "--tlsv1.3" })]
    [InlineData("ec.example.com", "keyless ec", "OPERATION_ECDSA_SHA256", new[] { "--tlsv1.2", "--tls-max", "1.2" })]
    public async Task Curl_FetchesTheResponse_WithTheKeyInTheKeyserver(string serverName, string body, string operation, string[] options)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var before = await Stack.KeyserverOperationsAsync(operation, timeout.Token);

        var result = await TlsClient.CurlAsync(Stack.Port, serverName, Stack.CaCertificate, options);

        Assert.True(result.ExitCode == 0, $"curl exited {result.ExitCode}: {result.StandardError}\nnginx:\n{Stack.Nginx.Output}");
        Assert.Equal($"{body}\n\n0", result.StandardOutput.TrimEnd('\n', '\r'));
        Assert.Equal(before + 1, await Stack.KeyserverOperationsAsync(operation, timeout.Token));
    }
}
