using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Contract;

public abstract partial class ControlPlaneStoreContract
{
    [Fact]
    public async Task EveryCommit_AppendsOneChainedAuditEntryThatVerifies()
    {
        const int Commits = 25;
        var results = new List<CommitResult>();
        for (var i = 0; i < Commits; i++)
        {
            results.Add(await CommitAsync(TestRecords.Change($"policy.update.{i}")));
        }

        var entries = await (await OpenAsync()).ReadAuditAsync(1, 1000, CancellationToken.None);

        Assert.Equal(Commits, entries.Count);
        var verification = AuditChain.Verify(entries);
        Assert.True(verification.IsIntact, verification.ToString());
        Assert.Equal(Commits, verification.VerifiedCount);
        for (var i = 0; i < Commits; i++)
        {
            Assert.Equal(i + 1, entries[i].Sequence);
            Assert.Equal(i + 1, entries[i].Revision);
            Assert.Equal($"policy.update.{i}", entries[i].Action);
            Assert.Equal("operator@example.com", entries[i].Actor);
            RecordAssert.Equal(results[i].Audit, entries[i]);
        }
    }

    [Fact]
    public async Task ReadAudit_PagesFromASequence()
    {
        await CommitManyAsync(6);

        var page = await Store.ReadAuditAsync(3, 2, CancellationToken.None);
        var before = (await Store.ReadAuditAsync(2, 1, CancellationToken.None)).Single();

        Assert.Equal([3L, 4L], page.Select(e => e.Sequence));
        Assert.True(AuditChain.Verify(page, before).IsIntact);
        Assert.Empty(await Store.ReadAuditAsync(7, 10, CancellationToken.None));
        Assert.Equal(6, (await Store.ReadAuditAsync(0, 100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task AuditTimestamps_AreWholeMilliseconds()
    {
        var result = await CommitAsync(TestRecords.Change());

        var entry = (await Store.ReadAuditAsync(1, 1, CancellationToken.None)).Single();

        Assert.Equal(0, entry.Timestamp.Ticks % TimeSpan.TicksPerMillisecond);
        Assert.Equal(result.Audit.Timestamp, entry.Timestamp);
        if (ManualNow is { } now)
        {
            Assert.Equal(now.ToUnixTimeMilliseconds(), entry.Timestamp.ToUnixTimeMilliseconds());
        }
    }

    /// <summary>The acceptance test of the audit log: an edit anywhere is caught at that entry.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task EditingAStoredAuditEntry_MakesVerificationFailAtThatEntry(long tampered)
    {
        await CommitManyAsync(5);
        Assert.True(AuditChain.Verify(await Store.ReadAuditAsync(1, 100, CancellationToken.None)).IsIntact);

        await TamperWithAuditAsync(Store, tampered, "mallory");

        var entries = await (await OpenAsync()).ReadAuditAsync(1, 100, CancellationToken.None);
        var verification = AuditChain.Verify(entries);
        Assert.False(verification.IsIntact);
        Assert.Equal(tampered, verification.BrokenAtSequence);
        Assert.Equal(tampered - 1, verification.VerifiedCount);
        Assert.Equal("mallory", entries[(int)tampered - 1].Actor);
    }
}
