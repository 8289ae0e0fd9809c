using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Postgres;
using Xunit.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// Real keyservers over gRPC with mutual TLS: where a managed key is served, and how imports,
/// policy changes and removals reach running keyservers, with the time from commit to the
/// first POLICY_DENIED measured and written to the test output.
/// </summary>
public sealed class ClusterEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 5;
    private static readonly byte[] Digest = SHA256.HashData("client hello"u8);
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly TempDirectory _work = new();

    public void Dispose()
    {
        _key.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task KeyImportedUnderEuPolicy_IsSignedInFra1_AndSfo1AnswersPolicyDenied()
    {
        await using var cluster = await GrpcCluster.StartInMemoryAsync();
        await cluster.AppliedAsync(await cluster.Seeder.ImportKeyAsync("k1", "eu-only", _key, "shop.example.eu"));

        var signed = await GrpcCluster.SignAsync(cluster.Fra1Channel, "k1", Operation.EcdsaSha256, Digest);
        var denied = await GrpcCluster.SignAsync(cluster.Sfo1Channel, "k1", Operation.EcdsaSha256, Digest);

        Assert.True(signed.OutcomeCase == SignResponse.OutcomeOneofCase.Result, signed.ToString());
        Assert.Equal("fra1", signed.ServedBy.Datacenter);
        Assert.True(await VerifiedByOpenSslAsync(signed.Result.ToByteArray()), "openssl did not verify fra1's signature");
        Assert.True(_key.VerifyHash(Digest, signed.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(ErrorCode.PolicyDenied, denied.Error.Code);
        Assert.Equal("key 'k1' may not be used in datacenter 'sfo1' (policy 'eu-only' v1)", denied.Error.Message);
        Assert.Equal("sfo1", denied.ServedBy.Datacenter);
        Assert.Empty(cluster.Fra1.ErrorLogs);
        Assert.Empty(cluster.Sfo1.ErrorLogs);
    }

    [Fact]
    public async Task ImportNarrowWidenRemove_TakeEffectOnRunningKeyservers_InMemoryStore()
    {
        await using var cluster = await GrpcCluster.StartInMemoryAsync();
        await RunLifecycleAsync(cluster, "in-memory store shared by both keyservers");
    }

    [Fact]
    public async Task ImportNarrowWidenRemove_TakeEffectOnRunningKeyservers_EmbeddedStoreOpenedByEachKeyserver()
    {
        await using var cluster = await GrpcCluster.StartWithStoreAsync(
            new ControlPlaneStoreOptions { Kind = ControlPlaneStoreOptions.EmbeddedKind, DataDirectory = Path.Combine(_work.Path, "store") });
        await RunLifecycleAsync(cluster, "embedded store, opened separately by the test and each keyserver");
    }

    [Fact]
    public async Task ImportNarrowWidenRemove_TakeEffectOnRunningKeyservers_PostgreSqlStoreOpenedByEachKeyserver()
    {
        await using var postgres = await PostgresCluster.StartAsync();
        await using var cluster = await GrpcCluster.StartWithStoreAsync(
            new ControlPlaneStoreOptions { Kind = ControlPlaneStoreOptions.PostgresKind, ConnectionString = postgres.ConnectionString("postgres") });
        await RunLifecycleAsync(cluster, "PostgreSQL (a throwaway local cluster), opened separately by the test and each keyserver");
    }

    private async Task RunLifecycleAsync(GrpcCluster cluster, string storeDescription)
    {
        // Imported after both keyservers started: no restart, the change feed brings it.
        await cluster.AppliedAsync(await cluster.Seeder.ImportKeyAsync("k1", "eu-only", _key));
        var first = await GrpcCluster.SignAsync(cluster.Fra1Channel, "k1", Operation.EcdsaSha256, Digest);
        Assert.True(first.OutcomeCase == SignResponse.OutcomeOneofCase.Result, first.ToString());
        Assert.True(_key.VerifyHash(Digest, first.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));

        var denials = new List<Measured>();
        var restores = new List<Measured>();
        for (var round = 0; round < Rounds; round++)
        {
            var narrowed = await MeasureAsync(cluster, from: true, () => cluster.Seeder.UpdatePolicyAsync("eu-only", "region: EU and not country: DE"));
            Assert.Equal(ErrorCode.PolicyDenied, narrowed.Probe.ChangedTo);
            Assert.True(narrowed.Probe.ChangedOnce, "fra1 signed again after it first answered POLICY_DENIED");
            denials.Add(narrowed);

            var widened = await MeasureAsync(cluster, from: false, () => cluster.Seeder.UpdatePolicyAsync("eu-only", "region: EU"));
            Assert.True(widened.Probe.ChangedOnce, "fra1 answered POLICY_DENIED again after it served the key");
            restores.Add(widened);
        }

        var served = await GrpcCluster.SignAsync(cluster.Fra1Channel, "k1", Operation.EcdsaSha256, Digest);
        Assert.True(_key.VerifyHash(Digest, served.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));

        await cluster.AppliedAsync(await cluster.Seeder.RemoveKeyAsync("k1"));
        Assert.Equal(ErrorCode.KeyNotFound, (await GrpcCluster.SignAsync(cluster.Fra1Channel, "k1", Operation.EcdsaSha256, Digest)).Error.Code);
        Assert.Equal(ErrorCode.KeyNotFound, (await GrpcCluster.SignAsync(cluster.Sfo1Channel, "k1", Operation.EcdsaSha256, Digest)).Error.Code);

        output.WriteLine($"Store: {storeDescription}. {Rounds} rounds, fra1 signing in a loop over gRPC/mTLS while the policy changed; times from the moment the commit call returned.");
        Report("narrow (fra1 removed): the commit call itself", denials.Select(m => m.Commit));
        Report("narrow (fra1 removed): commit -> fra1 applied the revision", denials.Select(m => m.Applied));
        Report("narrow (fra1 removed): commit -> first POLICY_DENIED", denials.Select(m => m.FirstChanged));
        Report("narrow (fra1 removed): commit -> last successful signature", denials.Select(m => m.LastUnchanged));
        Report("widen (fra1 back): commit -> first successful signature", restores.Select(m => m.FirstChanged));
        Assert.Empty(cluster.Fra1.ErrorLogs);
    }

    private static async Task<Measured> MeasureAsync(GrpcCluster cluster, bool from, Func<Task<long>> commit)
    {
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        var probe = new EvictionProbe(from);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probing = Task.Run(() => probe.RunAsync(cluster.Fra1Channel, "k1", Operation.EcdsaSha256, Digest, started, guard.Token));
        await started.Task.WaitAsync(guard.Token);

        var calling = Stopwatch.GetTimestamp();
        var revision = await commit();
        var committed = Stopwatch.GetTimestamp();
        await cluster.StateOf(cluster.Fra1).WhenAppliedAsync(revision, guard.Token);
        var applied = Stopwatch.GetTimestamp();
        await probing.WaitAsync(guard.Token);
        await cluster.AppliedAsync(revision);
        return new Measured(
            probe,
            Stopwatch.GetElapsedTime(calling, committed),
            Stopwatch.GetElapsedTime(committed, applied),
            Stopwatch.GetElapsedTime(committed, probe.FirstChanged),
            Stopwatch.GetElapsedTime(committed, probe.LastUnchanged));
    }

    private void Report(string what, IEnumerable<TimeSpan> samples)
    {
        var sorted = samples.Order().ToList();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {what}: min {Ms(sorted[0])}, median {Ms(sorted[sorted.Count / 2])}, max {Ms(sorted[^1])} ({string.Join(", ", sorted.Select(Ms))})"));
    }

    private static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("F2", CultureInfo.InvariantCulture) + " ms";

    private async Task<bool> VerifiedByOpenSslAsync(byte[] signature)
    {
        var publicKey = Path.Combine(_work.Path, "k1.pub");
        await File.WriteAllTextAsync(publicKey, _key.ExportSubjectPublicKeyInfoPem());
        var input = Path.Combine(_work.Path, "digest");
        var signaturePath = Path.Combine(_work.Path, "signature");
        await File.WriteAllBytesAsync(input, Digest);
        await File.WriteAllBytesAsync(signaturePath, signature);
        return await OpenSslCli.VerifyAsync(publicKey, input, signaturePath, "-pkeyopt", "digest:sha256");
    }

    /// <summary>
    /// One change: how long the commit call took, then times from the moment it returned
    /// (negative: the keyserver saw the change before the committing call returned).
    /// </summary>
    private sealed record Measured(EvictionProbe Probe, TimeSpan Commit, TimeSpan Applied, TimeSpan FirstChanged, TimeSpan LastUnchanged);
}
