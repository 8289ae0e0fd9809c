using System.Security.Cryptography;

namespace KeylessGeo.Placement.Tests;

public sealed class ExceptionSecrecyTests
{
    [Fact]
    public void Failures_NeverPutKeyMaterialInExceptionText()
    {
        using var directory = new TemporaryDirectory();
        var keyFile = directory.File("wrapping-key.pem");
        using var dcKey = DatacenterWrappingKey.LoadOrCreate(keyFile, out _);
        using var other = DatacenterWrappingKey.Generate();
        using var policyKey = PolicyKey.Generate();
        using var otherPolicyKey = PolicyKey.Generate();
        var privateKey = TestPrivateKeys.Create("ecdsa-p256");
        var policyContext = new PolicyKeyContext("eu-only", 3, "fra1");
        var keyContext = new KeyWrapContext("key-42", "eu-only", 3, 1);
        var policyBlob = PolicyKeyWrapping.WrapFor(policyKey, dcKey.Public, policyContext);
        var keyBlob = PrivateKeyWrapping.Wrap(privateKey, policyKey, keyContext);
        var dcPrivateScalar = ReadPrivateScalar(keyFile);
        var dcPkcs8 = ReadPkcs8(keyFile);

        var failures = new List<Action>
        {
            () => PolicyKeyWrapping.Unwrap(policyBlob, other, policyContext),
            () => PolicyKeyWrapping.Unwrap(policyBlob, dcKey, policyContext with { Generation = 4 }),
            () => PolicyKeyWrapping.Unwrap(Flip(policyBlob, 100), dcKey, policyContext),
            () => PolicyKeyWrapping.Unwrap(Flip(policyBlob, 5), dcKey, policyContext),
            () => PolicyKeyWrapping.Unwrap(policyBlob[..60], dcKey, policyContext),
            () => PolicyKeyWrapping.Unwrap(keyBlob, dcKey, policyContext),
            () => PrivateKeyWrapping.Unwrap(keyBlob, otherPolicyKey, keyContext),
            () => PrivateKeyWrapping.Unwrap(keyBlob, policyKey, keyContext with { KeyVersion = 2 }),
            () => PrivateKeyWrapping.Unwrap(Flip(keyBlob, 50), policyKey, keyContext),
            () => PrivateKeyWrapping.Unwrap(keyBlob[..40], policyKey, keyContext),
            () => PrivateKeyWrapping.Rewrap(keyBlob, otherPolicyKey, keyContext, policyKey, keyContext with { KeyVersion = 2 }),
            () => DatacenterPublicKey.Parse(privateKey),
            () => DatacenterPublicKey.Parse(dcPkcs8),
            () =>
            {
                File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
                try
                {
                    DatacenterWrappingKey.LoadOrCreate(keyFile, out _).Dispose();
                }
                finally
                {
                    File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            },
        };

        byte[][] secrets = [policyKey.Bytes.ToArray(), privateKey, dcPrivateScalar, dcPkcs8];
        foreach (var failure in failures)
        {
            var ex = Record.Exception(failure);
            Assert.NotNull(ex);
            var text = ex.ToString();
            foreach (var secret in secrets)
            {
                AssertAbsent(text, secret);
            }
        }
    }

    private static void AssertAbsent(string text, byte[] secret)
    {
        Assert.DoesNotContain(Convert.ToBase64String(secret), text, StringComparison.Ordinal);

        // Any 8-byte stretch of the secret, in hex of either case, would be a leak.
        for (var offset = 0; offset + 8 <= secret.Length; offset++)
        {
            var window = Convert.ToHexStringLower(secret.AsSpan(offset, 8));
            Assert.DoesNotContain(window, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static byte[] ReadPrivateScalar(string path)
    {
        using var ecdh = ECDiffieHellman.Create();
        ecdh.ImportFromPem(File.ReadAllText(path));
        return ecdh.ExportParameters(includePrivateParameters: true).D!;
    }

    private static byte[] ReadPkcs8(string path)
    {
        using var ecdh = ECDiffieHellman.Create();
        ecdh.ImportFromPem(File.ReadAllText(path));
        return ecdh.ExportPkcs8PrivateKey();
    }

    private static byte[] Flip(byte[] blob, int position)
    {
        var copy = (byte[])blob.Clone();
        copy[position] ^= 0x80;
        return copy;
    }
}
