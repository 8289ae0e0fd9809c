using System.Text.Json.Nodes;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Embedded;

/// <summary>
/// The embedded store as a snapshot plus a commit log: a commit writes only its own record, other
/// instances follow the log and compactions, torn tails are cut and damage is refused, and a
/// whole-state file from an earlier build opens and migrates.
/// </summary>
public sealed class EmbeddedCommitLogTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _directory = new();
    private readonly List<EmbeddedControlPlaneStore> _stores = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task ASingleKeyCommit_WritesOnlyItsRecord_WhateverTheStoreHolds()
    {
        var store = Open();
        await CommitAsync(store, TestRecords.Change() with { UpsertKeys = [.. Enumerable.Range(0, 2_000).Select(i => TestRecords.Key($"bulk-{i:D5}"))] });
        await store.CompactAsync(CancellationToken.None);
        var snapshot = await File.ReadAllBytesAsync(EmbeddedFiles.State(_directory.Path));
        var snapshotTime = File.GetLastWriteTimeUtc(EmbeddedFiles.State(_directory.Path));
        var logBefore = LogBytes();
        var auditBefore = new FileInfo(EmbeddedFiles.AuditLog(_directory.Path)).Length;

        await CommitAsync(store, TestRecords.Change() with { UpsertKeys = [TestRecords.Key("one-more")] });

        // The snapshot (over 2,000 keys) is untouched; the log grew by one key's record and the audit log by one line.
        Assert.True(snapshot.Length > 1_000_000, $"the snapshot is only {snapshot.Length} bytes");
        Assert.Equal(snapshot, await File.ReadAllBytesAsync(EmbeddedFiles.State(_directory.Path)));
        Assert.Equal(snapshotTime, File.GetLastWriteTimeUtc(EmbeddedFiles.State(_directory.Path)));
        var written = LogBytes() - logBefore;
        Assert.InRange(written, 500, 3_000);
        Assert.InRange(new FileInfo(EmbeddedFiles.AuditLog(_directory.Path)).Length - auditBefore, 100, 1_000);
        Assert.Equal(2_001, (await store.ReadSnapshotAsync(CancellationToken.None)).Keys.Length);
    }

    [Fact]
    public async Task AnotherInstance_FollowsCommitsAndCompactions_EvenWhenItFellBehindAcrossOne()
    {
        var writer = Open();
        var reader = Open();
        await CommitPoliciesAsync(writer, "a", "b");
        Assert.Equal(["a", "b"], (await reader.ReadSnapshotAsync(CancellationToken.None)).Policies.Select(p => p.Id));

        await CommitPoliciesAsync(writer, "c", "d");
        Assert.True(await writer.CompactAsync(CancellationToken.None));
        await CommitPoliciesAsync(writer, "e");
        Assert.True(await writer.CompactAsync(CancellationToken.None));
        await CommitAsync(writer, TestRecords.Change() with { DeletePolicies = ["a"] });

        // The generations the reader was following are gone; it re-reads the snapshot and the log after it.
        var snapshot = await reader.ReadSnapshotAsync(CancellationToken.None);
        Assert.Equal(6, snapshot.Revision);
        Assert.Equal(["b", "c", "d", "e"], snapshot.Policies.Select(p => p.Id));
        Assert.Equal(await writer.ReadChangesAsync(0, 100, CancellationToken.None), await reader.ReadChangesAsync(0, 100, CancellationToken.None), new ChangePageComparer());
        Assert.Single(CommitLogFile.Generations(_directory.Path));

        // The reader commits after them: its integrity check accepts the other instance's commits and snapshots.
        Assert.True((await reader.CheckIntegrityAsync(CancellationToken.None)).IsIntact);
        await CommitPoliciesAsync(reader, "f");
        Assert.Equal(7, await writer.GetRevisionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Reopening_ReplaysTheLogAfterTheSnapshot_ToTheSameStateAndFeed()
    {
        var store = Open();
        await CommitPoliciesAsync(store, "a", "b");
        await store.CompactAsync(CancellationToken.None);
        await CommitPoliciesAsync(store, "c");
        await CommitAsync(store, TestRecords.Change() with { DeletePolicies = ["a", "missing"], UpsertKeys = [TestRecords.Key("k1")] });
        var expected = await store.ReadSnapshotAsync(CancellationToken.None);
        var feed = await store.ReadChangesAsync(0, 100, CancellationToken.None);

        var reopened = Open();
        var snapshot = await reopened.ReadSnapshotAsync(CancellationToken.None);

        RecordAssert.Equal(expected, snapshot);
        Assert.Equal(feed, await reopened.ReadChangesAsync(0, 100, CancellationToken.None), new ChangePageComparer());
        Assert.True(AuditChain.Verify(await reopened.ReadAuditAsync(1, 100, CancellationToken.None)).IsIntact);
    }

    [Fact]
    public async Task ATornLastRecord_IsAnUnacknowledgedCommit_IgnoredAndCutOffByTheNextCommit()
    {
        var store = Open();
        await CommitPoliciesAsync(store, "a", "b");
        var log = CommitLogFile.PathOf(_directory.Path, 1);
        var intact = await File.ReadAllBytesAsync(log);

        // A crashed commit: its audit line and the first part of its record, never fsynced whole.
        var record = CommitLogFraming.Encode(new CommitLogRecord
        {
            Revision = 3,
            Changes = TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy("lost")] },
            Audit = AuditChain.Seal(TestRecords.Audit(), (await store.ReadAuditAsync(2, 1, CancellationToken.None))[0], 3, TestRecords.Time),
            AuditLength = 0,
            ChangesTruncatedThrough = 0,
        });
        await using (var stream = new FileStream(log, FileMode.Append))
        {
            await stream.WriteAsync(record.AsMemory(0, record.Length - 7));
        }

        var reopened = Open();
        Assert.Equal(2, await reopened.GetRevisionAsync(CancellationToken.None));
        Assert.True((await reopened.CheckIntegrityAsync(CancellationToken.None)).IsIntact);
        await CommitPoliciesAsync(reopened, "c");

        var after = await File.ReadAllBytesAsync(log);
        Assert.Equal(intact, after[..intact.Length]);
        Assert.Equal(["a", "b", "c"], (await Open().ReadSnapshotAsync(CancellationToken.None)).Policies.Select(p => p.Id));
    }

    [Fact]
    public async Task ADamagedRecordBeforeTheEnd_IsNeverSkipped_TheStoreIsUnavailableNamingTheLog()
    {
        var store = Open();
        await CommitPoliciesAsync(store, "a", "b", "c");
        var log = CommitLogFile.PathOf(_directory.Path, 1);
        var content = await File.ReadAllBytesAsync(log);
        content[CommitLogFraming.HeaderLength + 10] ^= 0x20;
        await File.WriteAllBytesAsync(log, content);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => Open().InitializeAsync(CancellationToken.None));

        Assert.Contains(log, error.Message, StringComparison.Ordinal);
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllBytesAsync(log));
    }

    [Fact]
    public async Task ALogRecordEditedUnderAnOpenStore_IsReported_AndRefusesCommits()
    {
        var store = Open();
        await CommitPoliciesAsync(store, "a", "b");
        var log = CommitLogFile.PathOf(_directory.Path, 1);
        var content = await File.ReadAllBytesAsync(log);
        content[^3] ^= 0x01;
        await File.WriteAllBytesAsync(log, content);

        var report = await store.CheckIntegrityAsync(CancellationToken.None);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(log, problem.Location);
        await Assert.ThrowsAsync<Integrity.StoreIntegrityException>(() => store.CommitAsync(TestRecords.Change(), 2, CancellationToken.None));
        Assert.Equal(content, await File.ReadAllBytesAsync(log));
    }

    [Fact]
    public async Task AStateFileFromAnEarlierBuild_OpensAndMigrates_KeepingStateAuditAndFeed()
    {
        var store = Open();
        await CommitPoliciesAsync(store, "a", "b");
        await store.CompactAsync(CancellationToken.None);
        var expected = await store.ReadSnapshotAsync(CancellationToken.None);
        var feed = await store.ReadChangesAsync(0, 100, CancellationToken.None);
        await store.DisposeAsync();
        _stores.Remove(store);

        // What the earlier build wrote: format 1, no commit-log generation, and no commit log beside it.
        var state = JsonNode.Parse(await File.ReadAllTextAsync(EmbeddedFiles.State(_directory.Path)))!.AsObject();
        state["format"] = 1;
        state.Remove("logGeneration");
        await File.WriteAllTextAsync(EmbeddedFiles.State(_directory.Path), state.ToJsonString());
        foreach (var generation in CommitLogFile.Generations(_directory.Path))
        {
            File.Delete(CommitLogFile.PathOf(_directory.Path, generation));
        }

        var migrated = Open();
        RecordAssert.Equal(expected, await migrated.ReadSnapshotAsync(CancellationToken.None));
        Assert.Equal(feed, await migrated.ReadChangesAsync(0, 100, CancellationToken.None), new ChangePageComparer());
        Assert.StartsWith("{\"format\":2,", await File.ReadAllTextAsync(EmbeddedFiles.State(_directory.Path)), StringComparison.Ordinal);
        Assert.True((await migrated.CheckIntegrityAsync(CancellationToken.None)).IsIntact);
        await CommitPoliciesAsync(migrated, "c");
        Assert.True(AuditChain.Verify(await Open().ReadAuditAsync(1, 100, CancellationToken.None)).IsIntact);
        Assert.Equal(3, await Open().GetRevisionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ALargeEnoughLog_IsCompactedInTheBackground()
    {
        var store = Open(options => options with { CompactionMinimumLogBytes = 1 });
        await CommitPoliciesAsync(store, "a", "b", "c");

        // The first commit's record outweighs the empty snapshot, so a compaction starts; when it ends depends on the scheduler.
        await Eventually.MatchAsync(
            () => Task.FromResult(File.ReadAllBytes(EmbeddedFiles.State(_directory.Path))),
            content => StateFileHeader.TryReadRevision(content, out var revision) && revision >= 1 && CommitLogFile.Generations(_directory.Path).Count == 1,
            "a background compaction");

        Assert.Equal(["a", "b", "c"], (await Open().ReadSnapshotAsync(CancellationToken.None)).Policies.Select(p => p.Id));
    }

    private long LogBytes() => CommitLogFile.Generations(_directory.Path).Sum(g => new FileInfo(CommitLogFile.PathOf(_directory.Path, g)).Length);

    private EmbeddedControlPlaneStore Open(Func<EmbeddedStoreOptions, EmbeddedStoreOptions>? configure = null)
    {
        var options = EmbeddedTestOptions.For(_directory.Path);
        var store = new EmbeddedControlPlaneStore(configure is null ? options : configure(options));
        _stores.Add(store);
        return store;
    }

    private static async Task CommitAsync(EmbeddedControlPlaneStore store, ChangeSet changes) =>
        await store.CommitAsync(changes, await store.GetRevisionAsync(CancellationToken.None), CancellationToken.None);

    private static async Task CommitPoliciesAsync(EmbeddedControlPlaneStore store, params string[] ids)
    {
        foreach (var id in ids)
        {
            await CommitAsync(store, TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy(id)] });
        }
    }

    /// <summary>Compares change pages by value (their lists are not records).</summary>
    private sealed class ChangePageComparer : IEqualityComparer<ChangePage>
    {
        public bool Equals(ChangePage? x, ChangePage? y) =>
            x is not null && y is not null && x.LatestRevision == y.LatestRevision && x.Truncated == y.Truncated && x.Changes.SequenceEqual(y.Changes);

        public int GetHashCode(ChangePage obj) => obj.LatestRevision.GetHashCode();
    }
}
