using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;
using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Store.Tests.Embedded;

/// <summary>
/// Several real processes on one data directory, as the control plane and the keyservers of the
/// local demo cluster run: child processes are the probe program built beside these tests.
/// </summary>
public sealed class EmbeddedMultiProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan ProcessBound = TimeSpan.FromSeconds(90);
    private readonly TemporaryDirectory _directory = new();
    private EmbeddedControlPlaneStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new EmbeddedControlPlaneStore(EmbeddedTestOptions.For(_directory.Path));
        await _store.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task ProcessesCommittingAtOnce_NeverLoseOrDuplicateACommit()
    {
        const int PerProcess = 15;
        var follower = FollowUntilAsync(3 * PerProcess);

        var children = new[] { "alpha", "beta", "gamma" }.Select(prefix => RunProbeAsync("commit", _directory.Path, $"{PerProcess}", prefix)).ToArray();
        foreach (var child in await Task.WhenAll(children))
        {
            child.EnsureSuccess("probe commit");
        }

        Assert.Equal(3 * PerProcess, await follower);
        var snapshot = await _store.ReadSnapshotAsync(CancellationToken.None);
        Assert.Equal(3 * PerProcess, snapshot.Revision);
        Assert.Equal(3 * PerProcess, snapshot.Policies.Length);
        var audit = await _store.ReadAuditAsync(1, 1000, CancellationToken.None);
        Assert.True(AuditChain.Verify(audit).IsIntact);
        Assert.Equal(Enumerable.Range(1, 3 * PerProcess).Select(i => (long)i), audit.Select(e => e.Revision));

        // Other processes' commits are not damage: they chain to what this instance verified, and it commits after them.
        var integrity = await _store.CheckIntegrityAsync(CancellationToken.None);
        Assert.True(integrity.IsIntact, string.Join("; ", integrity.Problems));
        Assert.Equal(3 * PerProcess, integrity.VerifiedAuditEntries);
        Assert.Equal(3 * PerProcess + 1, (await _store.CommitAsync(TestRecords.Change(), 3 * PerProcess, CancellationToken.None)).Revision);
    }

    [Fact]
    public async Task CommitHere_WakesAWaiterInAnotherProcess()
    {
        var child = RunProbeAsync("wait", _directory.Path, "2");

        await _store.CommitAsync(TestRecords.Change(), 0, CancellationToken.None);
        await _store.CommitAsync(TestRecords.Change(), 1, CancellationToken.None);

        var result = (await child).EnsureSuccess("probe wait");
        Assert.Equal("2", result.StandardOutput.Trim());
    }

    private async Task<long> FollowUntilAsync(long target)
    {
        using var bound = new CancellationTokenSource(ProcessBound);
        long seen = 0;
        while (seen < target)
        {
            seen = await _store.WaitForChangeAsync(seen, bound.Token);
        }

        return seen;
    }

    private static Task<ProcessResult> RunProbeAsync(params string[] arguments)
    {
        var probe = Path.Combine(AppContext.BaseDirectory, "KeylessGeo.ControlPlane.Store.Probe.dll");
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        return ExternalProcess.RunAsync(dotnet, [probe, .. arguments], ProcessBound);
    }
}
