using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Cluster.Grains;

namespace KeylessGeo.KeyServer.Tests.Cluster.Orleans;

/// <summary>
/// Requests for a key its policy permits in one datacenter only, entering the clusters anywhere:
/// signed there and only there, and named so in <c>served_by</c>.
/// </summary>
public sealed class KeyRoutingTests : IAsyncLifetime, IDisposable
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

    [Fact]
    public async Task A_request_entering_at_the_permitted_datacenter_is_signed_there_without_a_grain()
    {
        var digest = SHA256.HashData("hello"u8);
        var response = await RegionalClusters.SignAsync(_clusters["ks-fra1"].Channel, "k1", Operation.EcdsaSha256, digest);

        Assert.Equal(SignResponse.OutcomeOneofCase.Result, response.OutcomeCase);
        Assert.Equal("ks-fra1", response.ServedBy.KeyserverId);
        Assert.True(_key.VerifyHash(digest, response.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(0, _clusters["ks-fra1"].Get<LocalKeyActivations>().Count);
    }

    [Fact]
    public async Task A_request_entering_at_the_sister_datacenter_reaches_the_key_grain_on_the_permitted_silo()
    {
        var digest = SHA256.HashData("sister"u8);
        var response = await RegionalClusters.SignWhenRoutedAsync(_clusters["ks-ams1"].Channel, "k1", Operation.EcdsaSha256, digest, id: 42);

        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        Assert.Equal(42ul, response.Id);
        Assert.Equal("ks-fra1", response.ServedBy.KeyserverId);
        Assert.Equal("fra1", response.ServedBy.Datacenter);
        Assert.True(_key.VerifyHash(digest, response.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.True(_clusters["ks-fra1"].Get<LocalKeyActivations>().IsActive("k1"));
        Assert.False(_clusters["ks-ams1"].Get<LocalKeyActivations>().IsActive("k1"));
    }

    [Fact]
    public async Task Many_concurrent_requests_through_the_grain_are_all_signed_by_the_permitted_keyserver()
    {
        var digest = SHA256.HashData("many"u8);
        var responses = await Task.WhenAll(Enumerable.Range(1, 200).Select(i =>
            RegionalClusters.SignAsync(_clusters["ks-ams1"].Channel, "k1", Operation.EcdsaSha256, digest, id: (ulong)i)));

        Assert.All(responses, r => Assert.Equal(SignResponse.OutcomeOneofCase.Result, r.OutcomeCase));
        Assert.All(responses, r => Assert.Equal("ks-fra1", r.ServedBy.KeyserverId));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (ulong)i), responses.Select(r => r.Id).Order());
    }

    [Fact]
    public async Task Narrowing_the_policy_deactivates_the_grain_where_it_lost_permission_and_places_it_anew()
    {
        var digest = SHA256.HashData("narrow"u8);
        var first = await RegionalClusters.SignAsync(_clusters["ks-ams1"].Channel, "k1", Operation.EcdsaSha256, digest);
        Assert.Equal("ks-fra1", first.ServedBy.KeyserverId);

        var fra1 = _clusters["ks-fra1"];
        var retired = fra1.Logs.WhenLoggedAsync("KeyGrainDeactivated", e => e.Message.Contains("k1", StringComparison.Ordinal));
        await _clusters.AppliedAsync(await _clusters.Seeder.UpdatePolicyAsync("fra-only", "dc: ams1"));
        await retired;

        Assert.False(fra1.Get<LocalKeyActivations>().IsActive("k1"));
        var moved = await RegionalClusters.SignAsync(fra1.Channel, "k1", Operation.EcdsaSha256, digest);
        Assert.True(moved.OutcomeCase == SignResponse.OutcomeOneofCase.Result, moved.Error?.ToString());
        Assert.Equal("ks-ams1", moved.ServedBy.KeyserverId);
        Assert.True(_key.VerifyHash(digest, moved.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
    }
}
