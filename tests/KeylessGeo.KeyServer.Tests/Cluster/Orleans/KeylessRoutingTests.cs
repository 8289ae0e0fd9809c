using System.Security.Cryptography;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.KeyServer.Cluster.Grains;
using KeylessGeo.Testing.Keyless;

namespace KeylessGeo.KeyServer.Tests.Cluster.Orleans;

/// <summary>
/// Keyless protocol requests take the path gRPC requests take: a key permitted only in fra1,
/// asked for by SKI on the Keyless port of ams1 (same region) and of sfo1 (other region), is
/// signed in fra1 — a valid signature comes back, and fra1 is where the key's grain lives.
/// </summary>
public sealed class KeylessRoutingTests : IAsyncLifetime, IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private RegionalClusters _clusters = null!;

    public async Task InitializeAsync()
    {
        _clusters = await RegionalClusters.StartAsync();
        await _clusters.Seeder.CreatePolicyAsync("fra-only", "dc: fra1");
        await _clusters.AppliedAsync(await _clusters.Seeder.ImportKeyAsync("k1", "fra-only", _key));
    }

    public async Task DisposeAsync() => await _clusters.DisposeAsync();

    public void Dispose() => _key.Dispose();

    [Theory]
    [InlineData("ks-fra1")]
    [InlineData("ks-ams1")]
    [InlineData("ks-sfo1")]
    public async Task A_Keyless_request_by_SKI_is_signed_by_the_permitted_datacenter_wherever_it_enters(string entry)
    {
        using var timeout = new CancellationTokenSource(ClusterHarness.HangGuard);
        var member = _clusters[entry];
        await using var client = await KeylessTestClient.ConnectAsync(
            member.Host.KeylessEndPoint!,
            new KeylessTestClientOptions { TrustedCa = _clusters.Tls.TrustedCa, ClientCertificate = _clusters.Tls.ClientCertificate },
            timeout.Token);
        var ski = StoreSeeder.Ski(_key.ExportSubjectPublicKeyInfo());

        for (uint id = 1; id <= 20; id++)
        {
            var digest = SHA256.HashData(BitConverter.GetBytes(id));
            var response = await client.ExchangeAsync(
                KeylessTestClient.Encode(id, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digest, Ski = ski }),
                timeout.Token);

            Assert.False(response.IsError, response.ToString());
            Assert.Equal(id, response.Id);
            Assert.True(_key.VerifyHash(digest, response.Payload, DSASignatureFormat.Rfc3279DerSequence));
        }

        // Entering outside fra1 reaches the key through its grain (in the region) or a keyserver
        // of fra1 (from the other region): either way the grain, if any, lives in fra1.
        Assert.False(_clusters["ks-ams1"].Get<LocalKeyActivations>().IsActive("k1"));
        Assert.False(_clusters["ks-sfo1"].Get<LocalKeyActivations>().IsActive("k1"));
        Assert.Equal(entry == "ks-ams1", _clusters["ks-fra1"].Get<LocalKeyActivations>().IsActive("k1"));
    }
}
