using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Placement;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// An unreachable store changes nothing a keyserver already knows: the last good key set stays
/// in force (keys it never saw are still KEY_NOT_FOUND, a definitive answer from the last
/// snapshot; keys opened before keep signing, while a key not used yet, whose wrapped private key
/// is fetched on first use, answers UNAVAILABLE). Before the first snapshot a lookup that matches no key file is INTERNAL, never
/// KEY_NOT_FOUND. The feed retries with backoff and catches up when the store answers again.
/// </summary>
public sealed class StoreOutageTests : IAsyncLifetime, IDisposable
{
    private static readonly byte[] Digest = SHA256.HashData("handshake"u8);
    private readonly TestClock _clock = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly TempDirectory _keys = new();
    private InMemoryControlPlaneStore _inner = null!;
    private FlakyControlPlaneStore _store = null!;
    private StoreSeeder _seeder = null!;

    public async Task InitializeAsync()
    {
        _inner = new InMemoryControlPlaneStore(_clock);
        _store = new FlakyControlPlaneStore(_inner);
        _seeder = new StoreSeeder(_inner, _clock);
        await _seeder.SetTopologyAsync(StoreSeeder.FraAndSfo);
    }

    public async Task DisposeAsync()
    {
        _seeder.Dispose();
        await _store.DisposeAsync();
    }

    public void Dispose()
    {
        _key.Dispose();
        _keys.Dispose();
    }

    [Fact]
    public async Task StoreDown_AfterASnapshot_KeepsServingTheLastGoodKeySet()
    {
        await using var fra1 = await StartAsync();
        await ImportAsync(fra1);
        using var cold = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await fra1.WhenAppliedAsync(await _seeder.ImportKeyAsync("cold", "eu-only", cold));
        Assert.Equal(SignResponse.OutcomeOneofCase.Result, (await fra1.SignAsync("k1", Operation.EcdsaSha256, Digest)).OutcomeCase);
        _store.Down = true;
        await fra1.Logs.WhenLoggedAsync("StoreFailed", e => e.Message.Contains("change feed", StringComparison.Ordinal));

        var managed = await fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);
        var unknown = await fra1.SignAsync("k2", Operation.EcdsaSha256, Digest);
        var neverUsed = await fra1.SignAsync("cold", Operation.EcdsaSha256, Digest);

        Assert.True(managed.OutcomeCase == SignResponse.OutcomeOneofCase.Result, managed.ToString());
        Assert.True(_key.VerifyHash(Digest, managed.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(ErrorCode.KeyNotFound, unknown.Error.Code);

        // Its wrapped private key is fetched on first use, which needs the store: try again.
        Assert.Equal(ErrorCode.Unavailable, neverUsed.Error.Code);
        Assert.Equal("the control-plane store cannot be reached to open key 'cold'; try again", neverUsed.Error.Message);
    }

    [Fact]
    public async Task StoreBackAfterAnOutage_TheFeedCatchesUpWithWhatChangedMeanwhile()
    {
        await using var fra1 = await StartAsync();
        await ImportAsync(fra1);
        _store.Down = true;
        await _store.WhenAsync(s => s.Failures > 0, ClusterHarness.Guard());
        var removed = await _seeder.RemoveKeyAsync("k1");

        _store.Down = false;
        await AdvancePastRetriesAsync(fra1, removed);
        var response = await fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);

        Assert.Equal(ErrorCode.KeyNotFound, response.Error.Code);
        await fra1.Logs.WhenLoggedAsync("StoreRecovered");
    }

    [Fact]
    public async Task StoreDown_BeforeTheFirstSnapshot_AnswersInternalNotKeyNotFound_AndKeyFilesStillWork()
    {
        using var local = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        WriteKeyFile("local", local);
        using (var wrappingKey = DatacenterWrappingKey.LoadOrCreate(WrappingKeyPath, out _))
        {
            await _seeder.RegisterWrappingKeyAsync("fra1", wrappingKey.Public);
        }

        await _seeder.CreatePolicyAsync("eu-only", "region: EU");
        _store.Down = true;

        await using var fra1 = await StartAsync();
        var managed = await fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);
        var fromFile = await fra1.SignAsync("local", Operation.EcdsaSha256, Digest);

        Assert.Equal(ErrorCode.Internal, managed.Error.Code);
        Assert.Contains("has not read its managed keys", managed.Error.Message, StringComparison.Ordinal);
        Assert.True(fromFile.OutcomeCase == SignResponse.OutcomeOneofCase.Result, fromFile.ToString());
        Assert.False(fra1.State.HasSnapshot);

        _store.Down = false;
        var revision = await _seeder.ImportKeyAsync("k1", "eu-only", _key);
        await AdvancePastRetriesAsync(fra1, revision);
        var served = await fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);
        var unknown = await fra1.SignAsync("k2", Operation.EcdsaSha256, Digest);

        Assert.True(served.OutcomeCase == SignResponse.OutcomeOneofCase.Result, served.ToString());
        Assert.Equal(ErrorCode.KeyNotFound, unknown.Error.Code);
    }

    private string WrappingKeyPath => Path.Combine(_keys.Path, "wrapping-key.pem");

    private Task<ClusterHarness> StartAsync() => ClusterHarness.StartAsync(_store, "fra1", _clock, new Dictionary<string, string?>
    {
        ["KeyServer:KeysDirectory"] = _keys.Path,
        ["Cluster:WrappingKeyPath"] = WrappingKeyPath,
        ["Cluster:StoreRetryDelay"] = "00:00:01",
        ["Cluster:StoreRetryMaxDelay"] = "00:00:04",
    });

    private async Task ImportAsync(ClusterHarness fra1)
    {
        await StoreWaits.WhenWrappingKeysRegisteredAsync(_inner, "fra1");
        await _seeder.CreatePolicyAsync("eu-only", "region: EU");
        await fra1.WhenAppliedAsync(await _seeder.ImportKeyAsync("k1", "eu-only", _key));
    }

    // The feed sleeps on the test clock between retries: move the clock by the longest retry
    // delay whenever a retry timer is armed, until the revision is applied.
    private async Task AdvancePastRetriesAsync(ClusterHarness fra1, long revision)
    {
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        var applied = fra1.State.WhenAppliedAsync(revision, guard.Token);
        while (!applied.IsCompleted)
        {
            var armed = _clock.WhenTimerDueWithinAsync(TimeSpan.FromSeconds(4), guard.Token);
            await Task.WhenAny(applied, armed);
            if (armed.IsCompletedSuccessfully)
            {
                _clock.Advance(TimeSpan.FromSeconds(4));
            }
        }

        await applied;
    }

    private void WriteKeyFile(string name, ECDsa key)
    {
        var path = Path.Combine(_keys.Path, name + ".key");
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.Combine(_keys.Path, name + ".pub"), key.ExportSubjectPublicKeyInfoPem());
    }
}
