using System.Text.Json.Nodes;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Embedded;

/// <summary>
/// Files written before managed keys carried recorded IP addresses and content digests (a snapshot,
/// a commit-log record) still read: the addresses as not recorded, the digest computed on load and
/// the same on every read path; the next commit persists it.
/// </summary>
public sealed class EmbeddedKeyIndexTests : IAsyncLifetime
{
    private static readonly string[] NewFields = ["ipAddresses", "contentDigest"];
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
    public async Task ASnapshotWrittenBeforeTheFields_ReadsKeysWithoutAddressesAndWithTheirDigests()
    {
        var store = Open();
        await store.CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("k1") with { IpAddresses = [[192, 0, 2, 1]] }] }, 0, CancellationToken.None);
        await store.CompactAsync(CancellationToken.None);
        await CloseAsync(store);
        var state = JsonNode.Parse(await File.ReadAllTextAsync(EmbeddedFiles.State(_directory.Path)));
        EmbeddedFiles.RemoveKeyFields(state, NewFields);
        await File.WriteAllTextAsync(EmbeddedFiles.State(_directory.Path), state!.ToJsonString());

        await AssertReadAsOldAsync(Open());
    }

    [Fact]
    public async Task ACommitLogRecordWrittenBeforeTheFields_ReadsKeysWithoutAddressesAndWithTheirDigests()
    {
        var store = Open();
        await store.CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("k1") with { IpAddresses = [[192, 0, 2, 1]] }] }, 0, CancellationToken.None);
        await CloseAsync(store);
        await EmbeddedFiles.EditCommitLogRecordsAsync(_directory.Path, record => EmbeddedFiles.RemoveKeyFields(record, NewFields));
        Assert.DoesNotContain(await EmbeddedFiles.ReadCommitLogsAsync(_directory.Path), log => log.Contains(Convert.ToHexString("contentDigest"u8), StringComparison.Ordinal));

        await AssertReadAsOldAsync(Open());
    }

    [Fact]
    public async Task ACommit_PersistsTheDigestItComputed_WhateverTheWriterSet()
    {
        var store = Open();
        var key = TestRecords.Key("k1");
        await store.CommitAsync(TestRecords.Change() with { UpsertKeys = [key with { ContentDigest = [1, 2, 3] }] }, 0, CancellationToken.None);

        var expected = Convert.ToBase64String(ManagedKeyContent.Digest(key));
        var logged = Assert.Single(await EmbeddedFiles.ReadCommitLogRecordsAsync(_directory.Path));
        Assert.Equal(expected, (string?)logged["changes"]!["upsertKeys"]![0]!["contentDigest"]);
        await store.CompactAsync(CancellationToken.None);
        var state = JsonNode.Parse(await File.ReadAllTextAsync(EmbeddedFiles.State(_directory.Path)))!;
        Assert.Equal(expected, (string?)state["snapshot"]!["keys"]![0]!["contentDigest"]);
    }

    // Every read path gives the old key's addresses as not recorded and its digest as computed from its fields.
    private static async Task AssertReadAsOldAsync(EmbeddedControlPlaneStore store)
    {
        var expected = ManagedKeyContent.Digest(TestRecords.Key("k1"));
        var reads = new[]
        {
            Assert.Single((await store.ReadSnapshotAsync(CancellationToken.None)).Keys),
            Assert.Single((await store.ReadRecordsAsync([new RecordId(ChangeKind.Key, "k1")], CancellationToken.None)).Keys),
            Assert.Single((await store.ReadSnapshotPageAsync(null, 10, CancellationToken.None)).Keys),
            Assert.Single((await store.ReadKeyIndexPageAsync(null, 10, CancellationToken.None)).Keys),
        };
        foreach (var read in reads)
        {
            Assert.Null(read.IpAddresses);
            Assert.Equal(expected, read.ContentDigest);
            RecordAssert.Equal(TestRecords.Key("k1"), read);
        }
    }

    private EmbeddedControlPlaneStore Open()
    {
        var store = new EmbeddedControlPlaneStore(EmbeddedTestOptions.For(_directory.Path));
        _stores.Add(store);
        return store;
    }

    private async Task CloseAsync(EmbeddedControlPlaneStore store)
    {
        await store.DisposeAsync();
        _stores.Remove(store);
    }
}
