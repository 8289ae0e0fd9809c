using KeylessGeo.ControlPlane.Store.Integrity;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Contract;

/// <summary>
/// Integrity: every store finds an audit log changed behind its back (an edited entry, a removed
/// tail), reports it with the entry's sequence, and refuses every later commit without writing.
/// </summary>
public abstract partial class ControlPlaneStoreContract
{
    /// <summary>Removes the newest <paramref name="count"/> audit entries behind the store's back, as an attacker would.</summary>
    protected abstract Task RemoveAuditTailAsync(IControlPlaneStore store, int count);

    [Fact]
    public async Task CheckIntegrity_OnAnIntactStore_ReportsEveryCommittedEntryVerified()
    {
        await CommitManyAsync(3);

        var report = await Store.CheckIntegrityAsync(CancellationToken.None);
        var other = await (await OpenAsync()).CheckIntegrityAsync(CancellationToken.None);

        Assert.True(report.Checked);
        Assert.True(report.IsIntact, string.Join("; ", report.Problems));
        Assert.Equal(3, report.VerifiedAuditEntries);
        Assert.True(other.IsIntact, string.Join("; ", other.Problems));
        Assert.Equal(3, other.VerifiedAuditEntries);
    }

    [Fact]
    public async Task CommitsOfAnotherInstance_ChainToWhatThisOneVerified_AndKeepItIntact()
    {
        var other = await OpenAsync();
        for (var i = 0; i < 3; i++)
        {
            await CommitAsync(Store, TestRecords.Change($"here.{i}"));
            await CommitAsync(other, TestRecords.Change($"there.{i}"));
            Assert.True((await Store.CheckIntegrityAsync(CancellationToken.None)).IsIntact);
        }

        var report = await Store.CheckIntegrityAsync(CancellationToken.None);

        Assert.True(report.IsIntact, string.Join("; ", report.Problems));
        Assert.Equal(6, report.VerifiedAuditEntries);
        Assert.Equal(7, (await CommitAsync(TestRecords.Change())).Revision);
    }

    [Fact]
    public async Task EditingTheNewestAuditEntry_IsFoundByTheNextCheck_AndEveryLaterCommitIsRefused()
    {
        await CommitManyAsync(3);
        await TamperWithAuditAsync(Store, 3, "mallory");

        var report = await Store.CheckIntegrityAsync(CancellationToken.None);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(StoreIntegrityCodes.AuditChainBroken, problem.Code);
        Assert.Equal(3, problem.Sequence);
        Assert.Contains("entry 3", problem.Message, StringComparison.Ordinal);
        Assert.Contains(problem.Location, problem.Message, StringComparison.Ordinal);
        await AssertCommitRefusedAsync(Store, 3, problem);
        Assert.Equal(problem, Assert.Single((await Store.CheckIntegrityAsync(CancellationToken.None)).Problems));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task EditingAnOlderAuditEntry_IsFoundWhenAStoreOpens_AndItRefusesCommits(long tampered)
    {
        await CommitManyAsync(5);
        await TamperWithAuditAsync(Store, tampered, "mallory");

        var reopened = await OpenAsync();
        var report = await reopened.CheckIntegrityAsync(CancellationToken.None);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(StoreIntegrityCodes.AuditChainBroken, problem.Code);
        Assert.Equal(tampered, problem.Sequence);
        Assert.Contains("edited", problem.Message, StringComparison.Ordinal);
        await AssertCommitRefusedAsync(reopened, 5, problem);
    }

    [Fact]
    public async Task RemovingTheAuditLogsTail_IsFoundByTheNextCheck_NamingTheFirstMissingEntry()
    {
        await CommitManyAsync(4);
        await RemoveAuditTailAsync(Store, 1);

        var report = await Store.CheckIntegrityAsync(CancellationToken.None);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(StoreIntegrityCodes.AuditLogChanged, problem.Code);
        Assert.Equal(4, problem.Sequence);
        Assert.NotNull(problem.Expected);
        Assert.NotNull(problem.Found);
        await AssertCommitRefusedAsync(Store, 4, problem);
    }

    [Fact]
    public async Task RemovingTheAuditLogsTail_RefusesTheNextCommitEvenWithoutACheck()
    {
        await CommitManyAsync(2);
        await RemoveAuditTailAsync(Store, 1);

        var refused = await Assert.ThrowsAsync<StoreIntegrityException>(() => CommitAsync(TestRecords.Change()));

        Assert.Equal(StoreIntegrityCodes.AuditLogChanged, Assert.Single(refused.Problems).Code);
        Assert.Equal(2, await Store.GetRevisionAsync(CancellationToken.None));
    }

    /// <summary>A commit throws <see cref="StoreIntegrityException"/> naming the problem and leaves the revision and the log as they were.</summary>
    private static async Task AssertCommitRefusedAsync(IControlPlaneStore store, long revision, StoreIntegrityProblem problem)
    {
        var auditBefore = await AuditCountAsync(store);

        var refused = await Assert.ThrowsAsync<StoreIntegrityException>(() => store.CommitAsync(TestRecords.Change(), revision, CancellationToken.None));

        Assert.Equal(problem, Assert.Single(refused.Problems));
        Assert.Contains(problem.Message, refused.Message, StringComparison.Ordinal);
        Assert.Equal(revision, await store.GetRevisionAsync(CancellationToken.None));
        Assert.Equal(auditBefore, await AuditCountAsync(store));
    }

    /// <summary>How many audit entries the store returns, or null when it cannot read them (a log cut short).</summary>
    private static async Task<int?> AuditCountAsync(IControlPlaneStore store)
    {
        try
        {
            return (await store.ReadAuditAsync(1, 1000, CancellationToken.None)).Count;
        }
        catch (StoreUnavailableException)
        {
            return null;
        }
    }
}
