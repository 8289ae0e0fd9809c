using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Embedded;

/// <summary>The embedded store's files: permissions, the writer lock, lease files.</summary>
public sealed class EmbeddedStoreFileTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _directory = new();
    private EmbeddedControlPlaneStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new EmbeddedControlPlaneStore(EmbeddedTestOptions.For(_directory.Path) with { LockTimeout = TimeSpan.FromMilliseconds(200) });
        await _store.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task DataDirectoryAndEveryFile_AreReadableByTheOwnerOnly()
    {
        await _store.CommitAsync(TestRecords.Change(), 0, CancellationToken.None);
        await _store.RenewLeaseAsync(TestRecords.Lease("ks-1"), TimeSpan.FromMinutes(1), CancellationToken.None);

        const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(_directory.Path));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.Combine(_directory.Path, LeaseDirectory.DirectoryName)));
        foreach (var file in Directory.EnumerateFiles(_directory.Path, "*", SearchOption.AllDirectories))
        {
            Assert.True(OwnerOnlyFile == File.GetUnixFileMode(file), $"{file} is {File.GetUnixFileMode(file)}");
        }

        // state.json, audit.log, store.lock, the commit log, the lease.
        Assert.Equal(5, Directory.EnumerateFiles(_directory.Path, "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task CommitWhileAnotherWriterHoldsTheLock_ThrowsStoreUnavailableAndChangesNothing()
    {
        using (HoldWriterLock())
        {
            var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => _store.CommitAsync(TestRecords.Change(), 0, CancellationToken.None));
            Assert.Contains(WriterLock.FileName, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, await _store.GetRevisionAsync(CancellationToken.None));
        Assert.Equal(1, (await _store.CommitAsync(TestRecords.Change(), 0, CancellationToken.None)).Revision);
    }

    [Fact]
    public async Task CommitWaitingForTheLock_GoesAheadOnceItIsReleased()
    {
        var store = new EmbeddedControlPlaneStore(EmbeddedTestOptions.For(_directory.Path));
        await using var _ = store;
        Task<CommitResult> commit;
        using (HoldWriterLock())
        {
            commit = store.CommitAsync(TestRecords.Change(), 0, CancellationToken.None);
            Assert.False(commit.IsCompleted);
        }

        Assert.Equal(1, (await commit).Revision);
    }

    [Fact]
    public async Task ReadersDoNotNeedTheLock()
    {
        await _store.CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("k1")] }, 0, CancellationToken.None);
        await using var reader = new EmbeddedControlPlaneStore(EmbeddedTestOptions.For(_directory.Path));

        using (HoldWriterLock())
        {
            Assert.Single((await reader.ReadSnapshotAsync(CancellationToken.None)).Keys);
            Assert.Single(await reader.ReadAuditAsync(1, 10, CancellationToken.None));
            Assert.Equal(1, await reader.WaitForChangeAsync(0, CancellationToken.None));
        }
    }

    [Fact]
    public async Task UnreadableLeaseFile_IsSkipped()
    {
        await _store.RenewLeaseAsync(TestRecords.Lease("ks-1"), TimeSpan.FromMinutes(1), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, LeaseDirectory.DirectoryName, "ks-2.json"), "{\"keyserverId\":");

        Assert.Equal(["ks-1"], (await _store.ReadLiveLeasesAsync(CancellationToken.None)).Select(l => l.KeyserverId));
    }

    [Fact]
    public async Task LeaseFileWrittenBeforeTheClusterView_ReadsBackWithAnEmptyView()
    {
        await _store.RenewLeaseAsync(TestRecords.Lease("ks-1"), TimeSpan.FromMinutes(1), CancellationToken.None);
        var renewed = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var expires = DateTimeOffset.UtcNow.AddHours(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(
            Path.Combine(_directory.Path, LeaseDirectory.DirectoryName, "ks-1.json"),
            $$"""{"keyserverId":"ks-1","datacenterId":"fra1","endpoints":[],"capacity":{},"accelerator":"none","appliedRevision":3,"renewedAt":"{{renewed}}","expiresAt":"{{expires}}"}""");

        var lease = Assert.Single(await _store.ReadLiveLeasesAsync(CancellationToken.None));

        Assert.Equal(3, lease.AppliedRevision);
        Assert.Equal("", lease.ClusterId);
        Assert.Empty(lease.ClusterMembers);
        Assert.Equal(0, lease.ClusterVersion);
    }

    [Fact]
    public async Task LeaseRenewals_NeverTouchTheStateFile()
    {
        var state = EmbeddedFiles.State(_directory.Path);
        var before = File.GetLastWriteTimeUtc(state);
        var content = await File.ReadAllBytesAsync(state);

        for (var i = 0; i < 5; i++)
        {
            await _store.RenewLeaseAsync(TestRecords.Lease("ks-1"), TimeSpan.FromMinutes(1), CancellationToken.None);
        }

        Assert.Equal(before, File.GetLastWriteTimeUtc(state));
        Assert.Equal(content, await File.ReadAllBytesAsync(state));
    }

    [Fact]
    public void LeaseFiles_StayInsideTheLeaseFolderWhateverTheId()
    {
        var leases = new LeaseDirectory(_directory.Path);
        foreach (var id in new[] { "..", ".", "../../etc/passwd", "a/b", "", new string('é', 200) })
        {
            var file = leases.FileFor(id);
            Assert.Equal(leases.Path, Path.GetDirectoryName(file));
            Assert.EndsWith(".json", file, StringComparison.Ordinal);
            Assert.DoesNotContain('/', Path.GetFileName(file));
            Assert.False(Path.GetFileName(file).StartsWith('.'), file);
        }

        Assert.NotEqual(leases.FileFor("a/b"), leases.FileFor("a%2Fb"));
    }

    [Fact]
    public void InvalidOptions_AreRejectedNamingEveryField()
    {
        var error = Assert.Throws<ArgumentException>(() => new EmbeddedControlPlaneStore(new EmbeddedStoreOptions
        {
            DataDirectory = " ",
            LockTimeout = TimeSpan.Zero,
            PollInterval = TimeSpan.FromSeconds(-1),
            ChangeRetention = 0,
        }));

        foreach (var field in new[] { "DataDirectory", "LockTimeout", "PollInterval", "ChangeRetention" })
        {
            Assert.Contains(field, error.Message, StringComparison.Ordinal);
        }
    }

    private FileStream HoldWriterLock() =>
        new(Path.Combine(_directory.Path, WriterLock.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
}
