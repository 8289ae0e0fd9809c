using System.Security.Cryptography;

namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>
/// What a memory search looks for: the RSA key's d, p and q and the EC private scalar, each in
/// big-endian order and in OpenSSL's little-endian BIGNUM order, without leading zero bytes
/// (neither DER nor a BIGNUM keeps them). The first two needles are the control: the RSA modulus,
/// which any process serving the certificate holds, so a search that cannot find anything fails.
/// </summary>
public sealed class PrivateKeyNeedles
{
    private PrivateKeyNeedles(IReadOnlyList<string> names, IReadOnlyList<byte[]> needles)
    {
        SecretNames = names;
        Needles = needles;
    }

    /// <summary>The secrets searched for, in needle order (each has two needles).</summary>
    public IReadOnlyList<string> SecretNames { get; }

    /// <summary>The modulus (two orders), then each secret (two orders).</summary>
    public IReadOnlyList<byte[]> Needles { get; }

    /// <summary>Reads the stack's RSA and EC private keys from the keyserver's key folder.</summary>
    public static async Task<PrivateKeyNeedles> ReadAsync(EdgeTlsStack stack)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(await File.ReadAllTextAsync(stack.Keys.KeyPath(EdgeTlsStack.RsaKey)));
        var rsaKey = rsa.ExportParameters(includePrivateParameters: true);
        using var ec = ECDsa.Create();
        ec.ImportFromPem(await File.ReadAllTextAsync(stack.Keys.KeyPath(EdgeTlsStack.EcKey)));
        var ecKey = ec.ExportParameters(includePrivateParameters: true);

        var secrets = new (string Name, byte[] Value)[] { ("RSA d", rsaKey.D!), ("RSA p", rsaKey.P!), ("RSA q", rsaKey.Q!), ("EC private scalar", ecKey.D!) };
        var needles = new List<byte[]> { rsaKey.Modulus!, Reversed(rsaKey.Modulus!) };
        foreach (var (_, value) in secrets)
        {
            var significant = value.AsSpan(value.AsSpan().IndexOfAnyExcept((byte)0)).ToArray();
            needles.Add(significant);
            needles.Add(Reversed(significant));
        }

        return new PrivateKeyNeedles([.. secrets.Select(s => s.Name)], needles);
    }

    /// <summary>Searches <paramref name="pid"/>'s memory and asserts the control was found and no secret was.</summary>
    public void AssertAbsentFrom(int pid, string process)
    {
        var search = ProcessMemory.Search(pid, Needles);

        Assert.True(search.BytesRead > 1 << 20, $"only {search.BytesRead} bytes of the {process}'s memory were read");
        Assert.True(search.Found[0] || search.Found[1], $"the control failed: the RSA modulus was not found in the {process}'s memory");
        for (var i = 0; i < SecretNames.Count; i++)
        {
            Assert.False(search.Found[2 + (2 * i)], $"{SecretNames[i]} (big-endian) is in the {process}'s memory");
            Assert.False(search.Found[3 + (2 * i)], $"{SecretNames[i]} (little-endian) is in the {process}'s memory");
        }
    }

    private static byte[] Reversed(byte[] value)
    {
        var copy = (byte[])value.Clone();
        Array.Reverse(copy);
        return copy;
    }
}
