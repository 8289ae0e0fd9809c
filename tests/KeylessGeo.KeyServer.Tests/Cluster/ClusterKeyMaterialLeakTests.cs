using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Placement;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// Managed keys are unwrapped, served, denied, refused for a forged copy, rotated, evicted and
/// removed on real keyservers, and no log line (Debug up, exception text included) and no
/// client-facing message carries private key bytes or a wrapping private key, in any encoding.
/// </summary>
public sealed class ClusterKeyMaterialLeakTests : IDisposable
{
    private static readonly byte[] Digest = SHA256.HashData("client hello"u8);
    private readonly ECDsa _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ECDsa _rotated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly DatacenterWrappingKey _other = DatacenterWrappingKey.Generate();
    private readonly List<string> _secrets = [];

    public void Dispose()
    {
        _ecdsa.Dispose();
        _rsa.Dispose();
        _rotated.Dispose();
        _other.Dispose();
    }

    [Fact]
    public async Task ManagedKeyLifecycle_NeverWritesKeyMaterial_ToLogsOrResponses()
    {
        await using var cluster = await GrpcCluster.StartInMemoryAsync();
        Remember(_ecdsa.ExportPkcs8PrivateKey(), _ecdsa.ExportParameters(true).D!);
        Remember(_rsa.ExportPkcs8PrivateKey(), _rsa.ExportParameters(true).D!, _rsa.ExportParameters(true).P!, _rsa.ExportParameters(true).Q!);
        Remember(_rotated.ExportPkcs8PrivateKey(), _rotated.ExportParameters(true).D!);
        RememberWrappingKeyFile(cluster.Fra1);
        RememberWrappingKeyFile(cluster.Sfo1);
        var responses = new List<SignResponse>();

        await cluster.Seeder.ImportKeyAsync("ec", "eu-only", _ecdsa);
        await cluster.AppliedAsync(await cluster.Seeder.ImportKeyAsync("rsa", "eu-only", _rsa));
        responses.Add(await GrpcCluster.SignAsync(cluster.Fra1Channel, "ec", Operation.EcdsaSha256, Digest));
        responses.Add(await GrpcCluster.SignAsync(cluster.Fra1Channel, "rsa", Operation.RsaPssSha256, Digest));
        responses.Add(await GrpcCluster.SignAsync(cluster.Fra1Channel, "rsa", Operation.RsaDecryptPkcs1, new byte[256]));
        responses.Add(await GrpcCluster.SignAsync(cluster.Sfo1Channel, "ec", Operation.EcdsaSha256, Digest));
        await cluster.AppliedAsync(await cluster.Seeder.RotateKeyAsync("ec", _rotated));
        responses.Add(await GrpcCluster.SignAsync(cluster.Fra1Channel, "ec", Operation.EcdsaSha256, Digest));

        // fra1's copy replaced by one wrapped for another key, under fra1's fingerprint.
        var forged = await cluster.Seeder.WrapPolicyKeyForAsync("eu-only", "fra1", _other.Public);
        await cluster.AppliedAsync(await cluster.Seeder.TamperWithPolicyAsync("eu-only", p => p with
        {
            Version = p.Version + 1,
            WrappedKeys = [.. p.WrappedKeys.Select(w => w.DatacenterId == "fra1" ? w with { Blob = forged.Blob } : w)],
        }));
        responses.Add(await GrpcCluster.SignAsync(cluster.Fra1Channel, "rsa", Operation.RsaPssSha256, Digest));
        await cluster.AppliedAsync(await cluster.Seeder.UpdatePolicyAsync("eu-only", "region: NA"));
        responses.Add(await GrpcCluster.SignAsync(cluster.Fra1Channel, "ec", Operation.EcdsaSha256, Digest));
        await cluster.AppliedAsync(await cluster.Seeder.RemoveKeyAsync("rsa"));
        responses.Add(await GrpcCluster.SignAsync(cluster.Fra1Channel, "rsa", Operation.RsaPssSha256, Digest));

        Assert.Equal(
            [ErrorCode.Unspecified, ErrorCode.Unspecified, ErrorCode.CryptoFailure, ErrorCode.PolicyDenied, ErrorCode.Unspecified, ErrorCode.Internal, ErrorCode.PolicyDenied, ErrorCode.KeyNotFound],
            responses.Select(r => r.Error?.Code ?? ErrorCode.Unspecified));
        var written = cluster.Logs.Messages.Concat(responses.Where(r => r.Error is not null).Select(r => r.Error.Message)).ToList();
        Assert.Contains(written, text => text.Contains("ManagedKeyEvicted", StringComparison.Ordinal) || text.Contains("Evicted the loaded private key", StringComparison.Ordinal));
        Assert.Contains(written, text => text.Contains("authentication failed", StringComparison.Ordinal));
        foreach (var text in written)
        {
            foreach (var secret in _secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    private void Remember(params byte[][] secrets)
    {
        foreach (var secret in secrets)
        {
            _secrets.Add(Convert.ToBase64String(secret));
            _secrets.Add(Convert.ToHexString(secret));
            _secrets.Add(Convert.ToBase64String(secret)[..40]);
        }
    }

    private void RememberWrappingKeyFile(KeyServerTestHost host)
    {
        var path = host.Services.GetRequiredService<KeylessGeo.KeyServer.Cluster.LocalWrappingKey>().Path;
        var pem = File.ReadAllText(path);
        var fields = PemEncoding.Find(pem);
        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        Remember(der);
        using var key = ECDiffieHellman.Create();
        key.ImportPkcs8PrivateKey(der, out _);
        Remember(key.ExportParameters(true).D!);
    }
}
