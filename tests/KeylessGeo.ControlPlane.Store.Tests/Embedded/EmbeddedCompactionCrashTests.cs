using System.Diagnostics;
using System.Globalization;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;
using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Store.Tests.Embedded;

/// <summary>
/// A real writer process killed with SIGKILL while it commits and compacts: at each compaction
/// step (it stops there and says so) and after a number of acknowledged commits (wherever the
/// kill lands). Every acknowledged commit survives, the audit chain verifies, and the store takes
/// new commits.
/// </summary>
public sealed class EmbeddedCompactionCrashTests : IDisposable
{
    private static readonly TimeSpan ProcessBound = TimeSpan.FromSeconds(90);
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("Rotated")]
    [InlineData("SnapshotWritten")]
    [InlineData("Installed")]
    [InlineData("Done")]
    public async Task KilledAtACompactionStep_LosesNoAcknowledgedCommit(string step)
    {
        // Compacts after 4 commits and stops at the step during that first compaction.
        var acknowledged = await RunAndKillAsync(commits: 50, compactEvery: 4, pauseAt: step, killWhen: line => line == $"step {step}");

        Assert.Equal(4, acknowledged);
        await AssertRecoveredAsync(acknowledged);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(26)]
    [InlineData(37)]
    public async Task KilledAfterSomeAcknowledgedCommits_WhileCommittingAndCompacting_LosesNone(int killAfter)
    {
        // Compacting every other commit, so the kill often lands inside a compaction or a commit.
        var acknowledged = await RunAndKillAsync(commits: 60, compactEvery: 2, pauseAt: "none", killWhen: line => line == $"ack {killAfter}");

        Assert.True(acknowledged >= killAfter, $"only {acknowledged} commits were acknowledged");

        // The writer keeps committing until the kill lands, which on a busy machine can be several
        // commits after the line that triggered it: more than was acknowledged may be there.
        await AssertRecoveredAsync(acknowledged, latest: 60);
    }

    [Fact]
    public async Task KilledTwice_AtDifferentSteps_StillLosesNothing()
    {
        var first = await RunAndKillAsync(commits: 50, compactEvery: 3, pauseAt: "SnapshotWritten", killWhen: line => line == "step SnapshotWritten");
        var second = await RunAndKillAsync(commits: 50, compactEvery: 3, pauseAt: "Installed", killWhen: line => line == "step Installed");

        // The second writer started after the first one's revisions and committed three more before its compaction stopped.
        Assert.Equal(3, first);
        Assert.Equal(first + 3, second);
        await AssertRecoveredAsync(second);
    }

    /// <summary>Opens the directory as a restarted process would and checks it holds every acknowledged commit.</summary>
    private async Task AssertRecoveredAsync(long acknowledged, long? latest = null)
    {
        await using var store = new EmbeddedControlPlaneStore(EmbeddedTestOptions.For(_directory.Path));
        var snapshot = await store.ReadSnapshotAsync(CancellationToken.None);

        // A commit whose record was fsynced but whose "ack" line never got out may be there too; none may be missing.
        Assert.InRange(snapshot.Revision, acknowledged, latest ?? acknowledged + 1);
        var audit = await store.ReadAuditAsync(1, 10_000, CancellationToken.None);
        Assert.Equal(snapshot.Revision, audit.Count);
        Assert.True(AuditChain.Verify(audit).IsIntact);
        Assert.Equal(Enumerable.Range(1, (int)snapshot.Revision).Select(i => (long)i), audit.Select(e => e.Revision));
        var report = await store.CheckIntegrityAsync(CancellationToken.None);
        Assert.True(report.IsIntact, string.Join("; ", report.Problems));
        Assert.Equal(snapshot.Revision, snapshot.Keys.Length);

        await store.CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("after-the-crash")] }, snapshot.Revision, CancellationToken.None);
        Assert.True(await store.CompactAsync(CancellationToken.None));
        await using var reopened = new EmbeddedControlPlaneStore(EmbeddedTestOptions.For(_directory.Path));
        Assert.Equal(snapshot.Revision + 1, (await reopened.ReadSnapshotAsync(CancellationToken.None)).Keys.Length);
        Assert.True(AuditChain.Verify(await reopened.ReadAuditAsync(1, 10_000, CancellationToken.None)).IsIntact);
    }

    /// <summary>Runs the probe's crash writer, kills it with SIGKILL on the first line <paramref name="killWhen"/> accepts, and returns the last acknowledged revision.</summary>
    private async Task<long> RunAndKillAsync(int commits, int compactEvery, string pauseAt, Func<string, bool> killWhen)
    {
        var probe = Path.Combine(AppContext.BaseDirectory, "KeylessGeo.ControlPlane.Store.Probe.dll");
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var info = ExternalProcess.CreateStartInfo(dotnet, [probe, "crash-writer", _directory.Path, $"{commits}", $"{compactEvery}", pauseAt]);
        using var process = Process.Start(info)!;
        using var bound = new CancellationTokenSource(ProcessBound);
        long acknowledged = 0;
        try
        {
            while (await process.StandardOutput.ReadLineAsync(bound.Token) is { } line)
            {
                if (line.StartsWith("ack ", StringComparison.Ordinal))
                {
                    acknowledged = long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
                }

                if (killWhen(line))
                {
                    process.Kill();
                    await process.WaitForExitAsync(bound.Token);
                    return acknowledged;
                }
            }

            await process.WaitForExitAsync(bound.Token);
            throw new Xunit.Sdk.XunitException($"the crash writer ended (exit {process.ExitCode}) before it was killed: {await process.StandardError.ReadToEndAsync(bound.Token)}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
