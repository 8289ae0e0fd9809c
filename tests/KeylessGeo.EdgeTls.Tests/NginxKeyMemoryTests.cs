using System.Security.Cryptography;
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

        using var rsa = RSA.Create();
        rsa.ImportFromPem(await File.ReadAllTextAsync(Stack.Keys.KeyPath(EdgeTlsStack.RsaKey)));
        var rsaKey = rsa.ExportParameters(includePrivateParameters: true);
        using var ec = ECDsa.Create();
        ec.ImportFromPem(await File.ReadAllTextAsync(Stack.Keys.KeyPath(EdgeTlsStack.EcKey)));
        var ecKey = ec.ExportParameters(includePrivateParameters: true);

        var secrets = new (string Name, byte[] Value)[] { ("RSA d", rsaKey.D!), ("RSA p", rsaKey.P!), ("RSA q", rsaKey.Q!), ("EC private scalar", ecKey.D!) };
        var needles = new List<byte[]> { rsaKey.Modulus!, Reversed(rsaKey.Modulus!) };
        foreach (var (_, value) in secrets)
        {
            // Without leading zero bytes, which neither DER nor a BIGNUM keeps.
            var significant = value.AsSpan(value.AsSpan().IndexOfAnyExcept((byte)0)).ToArray();
            needles.Add(significant);
            needles.Add(Reversed(significant));
        }

        foreach (var (process, pid) in new[] { ("worker", Stack.Nginx.WorkerPid), ("master", Stack.Nginx.MasterPid) })
        {
            var search = ProcessMemory.Search(pid, needles);

            Assert.True(search.BytesRead > 1 << 20, $"only {search.BytesRead} bytes of the {process}'s memory were read");
            Assert.True(search.Found[0] || search.Found[1], $"the control failed: the RSA modulus was not found in the {process}'s memory");
            for (var i = 0; i < secrets.Length; i++)
            {
                Assert.False(search.Found[2 + (2 * i)], $"{secrets[i].Name} (big-endian) is in the nginx {process}'s memory");
                Assert.False(search.Found[3 + (2 * i)], $"{secrets[i].Name} (little-endian) is in the nginx {process}'s memory");
            }
        }
    }

    private static byte[] Reversed(byte[] value)
    {
        var copy = (byte[])value.Clone();
        Array.Reverse(copy);
        return copy;
    }
}
