using KeylessGeo.EdgeTls.Tests.Infrastructure;

namespace KeylessGeo.EdgeTls.Tests;

/// <summary>
/// After real handshakes, the private keys' bytes are nowhere in the memory of nginx (worker or
/// master): every readable mapping is searched for RSA d, p, q and the EC private scalar, in
/// big-endian order and in OpenSSL's little-endian BIGNUM order. The same search finds the RSA
/// modulus, which nginx does hold, so a search that cannot find anything would fail the test.
/// </summary>
[Collection(EdgeTlsCollection.Name)]
public sealed class NginxKeyMemoryTests(EdgeTlsFixture fixture)
{
    private EdgeTlsStack Stack => fixture.Stack;

    [Fact]
    public async Task NginxMemory_AfterHandshakes_HoldsNoPrivateKeyBytes()
    {
        foreach (var (serverName, body) in new[] { ("rsa.example.com", "keyless rsa"), ("ec.example.com", "keyless ec") })
        {
            var result = await TlsClient.OpenSslAsync(Stack.Port, serverName, Stack.CaCertificate, "-tls1_3");
            Assert.True(result.ExitCode == 0 && result.StandardOutput.Contains(body, StringComparison.Ordinal), result.StandardError);
        }

        var needles = await PrivateKeyNeedles.ReadAsync(Stack);
        needles.AssertAbsentFrom(Stack.Nginx.WorkerPid, "nginx worker");
        needles.AssertAbsentFrom(Stack.Nginx.MasterPid, "nginx master");
    }
}
