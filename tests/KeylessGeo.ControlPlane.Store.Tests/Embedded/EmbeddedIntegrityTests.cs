using System.Text.Json.Nodes;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Integrity;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Embedded;

/// <summary>
/// The embedded store under an open instance whose files are damaged or replaced: it reports the
/// file and what it expected, refuses to commit, and leaves every byte of both files as it found them.
/// </summary>
public sealed class EmbeddedIntegrityTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _directory = new();
    private readonly List<EmbeddedControlPlaneStore> _stores = [];
    private EmbeddedControlPlaneStore _store = null!;

    private string StatePath => EmbeddedFiles.State(_directory.Path);

    private string AuditPath => EmbeddedFiles.AuditLog(_directory.Path);

    public async Task InitializeAsync()
    {
        _store = await OpenAsync();
        await CommitPoliciesAsync(_store, "a", "b", "c");
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task StateFileTruncatedUnderAnOpenStore_IsReported_AndNeverOverwritten()
    {
        var content = await File.ReadAllBytesAsync(StatePath);
        await File.WriteAllBytesAsync(StatePath, content[..(content.Length / 2)]);

        var problem = await SingleProblemAsync(StoreIntegrityCodes.StateFileChanged, StatePath);

        Assert.Contains("no longer parses", problem.Message, StringComparison.Ordinal);
        Assert.Contains("revision 3", problem.Expected, StringComparison.Ordinal);
        Assert.Contains($"{content.Length / 2} bytes", problem.Found, StringComparison.Ordinal);
        await AssertCommitRefusedAndNothingWrittenAsync(problem);
    }

    [Fact]
    public async Task StateFileEditedInPlace_KeepingItsSizeAndTime_IsRefusedAtTheNextCompaction()
    {
        // Commits no longer rewrite (or hash) the snapshot; the compaction that would replace it hashes it first.
        await _store.CompactAsync(CancellationToken.None);
        var stamp = File.GetLastWriteTimeUtc(StatePath);
        var text = await File.ReadAllTextAsync(StatePath);
        await File.WriteAllTextAsync(StatePath, text.Replace("\"alice\"", "\"alicE\"", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(StatePath, stamp);

        var compaction = await Assert.ThrowsAsync<StoreIntegrityException>(() => _store.CompactAsync(CancellationToken.None));
        var refused = await AssertCommitRefusedAndNothingWrittenAsync(Assert.Single(compaction.Problems));

        var problem = Assert.Single(refused.Problems);
        Assert.Equal(StoreIntegrityCodes.StateFileChanged, problem.Code);
        Assert.Equal(StatePath, problem.Location);
        Assert.Contains("revision 3", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateFileRolledBackToAnEarlierRevision_IsReported()
    {
        // The snapshot changes only when the log is compacted into it.
        await _store.CompactAsync(CancellationToken.None);
        var earlier = await File.ReadAllBytesAsync(StatePath);
        await CommitPoliciesAsync(_store, "d");
        await _store.CompactAsync(CancellationToken.None);
        await File.WriteAllBytesAsync(StatePath, earlier);

        var problem = await SingleProblemAsync(StoreIntegrityCodes.StateFileChanged, StatePath);

        Assert.Contains("holds revision 3", problem.Message, StringComparison.Ordinal);
        Assert.Contains("last wrote or verified revision 4", problem.Message, StringComparison.Ordinal);
        await AssertCommitRefusedAndNothingWrittenAsync(problem);
    }

    [Fact]
    public async Task StateFileWithALaterRevisionButNoNewAuditEntry_IsReportedAsNotWrittenByACommit()
    {
        var state = JsonNode.Parse(await File.ReadAllTextAsync(StatePath))!;
        state["revision"] = 4;
        state["snapshot"]!["revision"] = 4;
        await File.WriteAllTextAsync(StatePath, state.ToJsonString());

        var problem = await SingleProblemAsync(StoreIntegrityCodes.StateFileChanged, StatePath);

        Assert.Contains("not written by a commit", problem.Message, StringComparison.Ordinal);
        await AssertCommitRefusedAndNothingWrittenAsync(problem);
    }

    [Fact]
    public async Task AuditLogTailRemovedUnderAnOpenStore_IsReported_AndNeverOverwritten()
    {
        var length = new FileInfo(AuditPath).Length;
        await EmbeddedFiles.RemoveAuditTailAsync(_directory.Path, 1);

        var problem = await SingleProblemAsync(StoreIntegrityCodes.AuditLogChanged, AuditPath);

        Assert.Equal(3, problem.Sequence);
        Assert.Contains("cut short", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"{length} bytes", problem.Expected, StringComparison.Ordinal);
        await AssertCommitRefusedAndNothingWrittenAsync(problem);
    }

    [Fact]
    public async Task AuditEntryEditedInTheMiddle_IsFoundWhenTheFileChanged_NamingTheEntry()
    {
        await EmbeddedFiles.EditAuditLineAsync(_directory.Path, 2, e => e with { Actor = "mallory the intruder" });

        var problem = await SingleProblemAsync(StoreIntegrityCodes.AuditChainBroken, AuditPath);

        Assert.Equal(2, problem.Sequence);
        Assert.Contains("broken at entry 2", problem.Message, StringComparison.Ordinal);
        await AssertCommitRefusedAndNothingWrittenAsync(problem);
    }

    [Fact]
    public async Task AuditLogRewrittenAndRehashedFromTheStart_IsFoundAgainstTheVerifiedHead()
    {
        var entries = await _store.ReadAuditAsync(1, 10, CancellationToken.None);
        AuditEntry? previous = null;
        var forged = new List<string>();
        foreach (var entry in entries)
        {
            previous = AuditChain.Seal(new AuditDraft("mallory", entry.Action, entry.Subject, entry.Details), previous, entry.Revision, entry.Timestamp);
            forged.Add(RecordAssert.Json(previous));
        }

        await File.WriteAllTextAsync(AuditPath, string.Join('\n', forged) + "\n");

        var problem = await SingleProblemAsync(StoreIntegrityCodes.AuditLogChanged, AuditPath);

        Assert.Contains("rewritten and re-hashed", problem.Message, StringComparison.Ordinal);
        await AssertCommitRefusedAndNothingWrittenAsync(problem);
    }

    [Fact]
    public async Task DamageFoundWhileOpening_IsReported_ButTheStoreStillReads()
    {
        await EmbeddedFiles.EditAuditLineAsync(_directory.Path, 1, e => e with { Details = "{}" });

        var reopened = await OpenAsync();
        var report = await reopened.CheckIntegrityAsync(CancellationToken.None);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(1, problem.Sequence);
        Assert.Equal(["a", "b", "c"], (await reopened.ReadSnapshotAsync(CancellationToken.None)).Policies.Select(p => p.Id));
        await Assert.ThrowsAsync<StoreIntegrityException>(() => reopened.CommitAsync(TestRecords.Change(), 3, CancellationToken.None));
    }

    [Fact]
    public async Task ACrashedCommitsLeftoverAuditLine_IsNotDamage()
    {
        await File.AppendAllTextAsync(AuditPath, "{\"sequence\":4,\"rev");

        var report = await _store.CheckIntegrityAsync(CancellationToken.None);

        Assert.True(report.IsIntact, string.Join("; ", report.Problems));
        Assert.Equal(4, (await _store.CommitAsync(TestRecords.Change(), 3, CancellationToken.None)).Revision);
        var reopened = await OpenAsync();
        Assert.True((await reopened.CheckIntegrityAsync(CancellationToken.None)).IsIntact);
    }

    private async Task<StoreIntegrityProblem> SingleProblemAsync(string code, string location)
    {
        var report = await _store.CheckIntegrityAsync(CancellationToken.None);
        Assert.True(report.Checked);
        var problem = Assert.Single(report.Problems);
        Assert.Equal(code, problem.Code);
        Assert.Equal(location, problem.Location);
        Assert.Contains(location, problem.Message, StringComparison.Ordinal);
        return problem;
    }

    /// <summary>The next commit is refused naming the problem, and neither file changed by a single byte.</summary>
    private async Task<StoreIntegrityException> AssertCommitRefusedAndNothingWrittenAsync(StoreIntegrityProblem? expected)
    {
        var state = await File.ReadAllBytesAsync(StatePath);
        var audit = await File.ReadAllBytesAsync(AuditPath);
        var logs = await EmbeddedFiles.ReadCommitLogsAsync(_directory.Path);
        var revision = (await _store.ReadSnapshotAsync(CancellationToken.None)).Revision;

        var refused = await Assert.ThrowsAsync<StoreIntegrityException>(() =>
            _store.CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy("z")] }, revision, CancellationToken.None));

        if (expected is not null)
        {
            Assert.Equal(expected, Assert.Single(refused.Problems));
        }

        Assert.Contains(refused.Problems[0].Location, refused.Message, StringComparison.Ordinal);
        Assert.Equal(state, await File.ReadAllBytesAsync(StatePath));
        Assert.Equal(audit, await File.ReadAllBytesAsync(AuditPath));
        Assert.Equal(logs, await EmbeddedFiles.ReadCommitLogsAsync(_directory.Path));
        Assert.Empty(Directory.EnumerateFiles(_directory.Path, ".state.json.*"));
        return refused;
    }

    private async Task<EmbeddedControlPlaneStore> OpenAsync()
    {
        var store = new EmbeddedControlPlaneStore(EmbeddedTestOptions.For(_directory.Path));
        _stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private static async Task CommitPoliciesAsync(EmbeddedControlPlaneStore store, params string[] ids)
    {
        foreach (var id in ids)
        {
            var revision = await store.GetRevisionAsync(CancellationToken.None);
            await store.CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy(id)] }, revision, CancellationToken.None);
        }
    }
}
