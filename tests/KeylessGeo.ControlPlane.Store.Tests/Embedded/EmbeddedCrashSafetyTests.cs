using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Integrity;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Embedded;

/// <summary>
/// What a crash at each step of a commit leaves behind, simulated by leaving the files as the
/// crashed writer would have, then opening the directory again.
/// </summary>
public sealed class EmbeddedCrashSafetyTests : IAsyncLifetime
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
    public async Task CrashWhileWritingTheNewStateFile_LeavesTheLastGoodStateReadable()
    {
        await CommitPoliciesAsync(Open(), "a", "b");
        var stateBefore = await File.ReadAllBytesAsync(EmbeddedFiles.State(_directory.Path));

        // The crashed writer got half its new state into the temporary file and never renamed it.
        var torn = Path.Combine(_directory.Path, $".{StateFile.FileName}.4242.{Guid.NewGuid():N}.tmp");
        await File.WriteAllBytesAsync(torn, stateBefore.AsSpan(0, stateBefore.Length / 2).ToArray());

        var reopened = Open();
        var snapshot = await reopened.ReadSnapshotAsync(CancellationToken.None);
        Assert.Equal(2, snapshot.Revision);
        Assert.Equal(["a", "b"], snapshot.Policies.Select(p => p.Id));

        await CommitPoliciesAsync(reopened, "c");
        Assert.Equal(3, await reopened.GetRevisionAsync(CancellationToken.None));
        Assert.False(File.Exists(torn));
    }

    [Fact]
    public async Task CrashAfterTheAuditAppendBeforeTheStateReplace_IgnoresTheUncommittedEntry()
    {
        var store = Open();
        await CommitPoliciesAsync(store, "a", "b");

        // The crashed commit appended its entry (and half of another), then died before replacing state.json.
        var orphan = AuditChain.Seal(TestRecords.Audit("orphan"), (await store.ReadAuditAsync(2, 1, CancellationToken.None)).Single(), 3, TestRecords.Time);
        await File.AppendAllTextAsync(EmbeddedFiles.AuditLog(_directory.Path), RecordAssert.Json(orphan) + "\n{\"sequence\":4,\"rev");

        var reopened = Open();
        Assert.Equal(2, (await reopened.ReadAuditAsync(1, 100, CancellationToken.None)).Count);
        Assert.Equal(2, await reopened.GetRevisionAsync(CancellationToken.None));

        await CommitPoliciesAsync(reopened, "c");
        var entries = await reopened.ReadAuditAsync(1, 100, CancellationToken.None);
        Assert.Equal(3, entries.Count);
        Assert.True(AuditChain.Verify(entries).IsIntact);
        Assert.Equal("test.change", entries[2].Action);
        Assert.Equal(3, (await File.ReadAllLinesAsync(EmbeddedFiles.AuditLog(_directory.Path))).Length);
    }

    [Fact]
    public async Task CorruptStateFile_ThrowsStoreUnavailableNamingTheFile()
    {
        await CommitPoliciesAsync(Open(), "a");
        await File.WriteAllTextAsync(EmbeddedFiles.State(_directory.Path), "{\"format\":1,\"revision\":1,\"snapshot\":{\"revision\":1,\"polic");

        var reopened = Open();
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => reopened.InitializeAsync(CancellationToken.None));
        Assert.Contains(EmbeddedFiles.State(_directory.Path), error.Message, StringComparison.Ordinal);
        var read = await Assert.ThrowsAsync<StoreUnavailableException>(() => reopened.ReadSnapshotAsync(CancellationToken.None));
        Assert.Contains(EmbeddedFiles.State(_directory.Path), read.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateFileWithGarbage_ThrowsStoreUnavailableOnEveryReadOfAnOpenStore()
    {
        var store = Open();
        await CommitPoliciesAsync(store, "a");
        await File.WriteAllBytesAsync(EmbeddedFiles.State(_directory.Path), [0xFF, 0x00, 0x13, 0x37]);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadSnapshotAsync(CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetRevisionAsync(CancellationToken.None));
        var refused = await Assert.ThrowsAsync<StoreIntegrityException>(() => store.CommitAsync(TestRecords.Change(), 1, CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.WaitForChangeAsync(1, CancellationToken.None));
        Assert.Equal(StoreIntegrityCodes.StateFileChanged, Assert.Single(refused.Problems).Code);
        Assert.Equal([0xFF, 0x00, 0x13, 0x37], await File.ReadAllBytesAsync(EmbeddedFiles.State(_directory.Path)));
    }

    [Fact]
    public async Task StateFileWhoseRevisionDisagreesWithItsSnapshot_IsReportedCorrupt()
    {
        var store = Open();
        await CommitPoliciesAsync(store, "a");
        await store.CompactAsync(CancellationToken.None);
        var path = EmbeddedFiles.State(_directory.Path);
        var text = await File.ReadAllTextAsync(path);
        var header = text.IndexOf("\"revision\":1,", StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, string.Concat(text.AsSpan(0, header), "\"revision\":7,", text.AsSpan(header + "\"revision\":1,".Length)));

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => Open().ReadSnapshotAsync(CancellationToken.None));
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingStateFileBesideAnAuditLog_ThrowsStoreUnavailableInsteadOfStartingEmpty()
    {
        await CommitPoliciesAsync(Open(), "a");
        File.Delete(EmbeddedFiles.State(_directory.Path));

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => Open().InitializeAsync(CancellationToken.None));

        Assert.Contains(StateFile.FileName, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(EmbeddedFiles.State(_directory.Path)));
    }

    [Fact]
    public async Task AuditLogShorterThanTheCommittedCount_ThrowsStoreUnavailableNamingTheLog()
    {
        var store = Open();
        await CommitPoliciesAsync(store, "a", "b");
        var lines = await File.ReadAllLinesAsync(EmbeddedFiles.AuditLog(_directory.Path));
        await File.WriteAllTextAsync(EmbeddedFiles.AuditLog(_directory.Path), lines[0] + "\n");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadAuditAsync(1, 10, CancellationToken.None));
        Assert.Contains(EmbeddedFiles.AuditLog(_directory.Path), error.Message, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<StoreIntegrityException>(() => store.CommitAsync(TestRecords.Change(), 2, CancellationToken.None));
        Assert.Contains(EmbeddedFiles.AuditLog(_directory.Path), refused.Message, StringComparison.Ordinal);
    }

    private EmbeddedControlPlaneStore Open()
    {
        var store = new EmbeddedControlPlaneStore(EmbeddedTestOptions.For(_directory.Path));
        _stores.Add(store);
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
