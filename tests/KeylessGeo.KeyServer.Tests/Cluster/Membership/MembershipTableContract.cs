using Orleans;
using Orleans.Runtime;

namespace KeylessGeo.KeyServer.Tests.Cluster.Membership;

/// <summary>
/// What every membership table of ours must do for Orleans, run against each one: the table
/// version moves on by one with a new etag on every insert and update, an insert or update
/// succeeds only from the version (and row etag) the caller read, I-am-alive touches neither,
/// cleanup drops only old non-active silos, deletion is per cluster id, and two table instances
/// on the same storage racing from many tasks let exactly the right writers win.
/// </summary>
public abstract class MembershipTableContract : IAsyncLifetime
{
    private readonly List<IMembershipTable> _opened = [];

    /// <summary>A new table instance for <paramref name="clusterId"/> on this test's storage (not yet initialized).</summary>
    protected abstract IMembershipTable Create(string clusterId);

    /// <summary>A cluster id no other test uses.</summary>
    protected static string NewClusterId() => "contract-" + Guid.NewGuid().ToString("N")[..12];

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var table in _opened)
        {
            if (table is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ReadAll_OnANewTable_IsEmptyAtVersionZero()
    {
        var table = await OpenAsync(NewClusterId());

        var data = await table.ReadAllAsync();

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.False(string.IsNullOrEmpty(data.Version.VersionEtag));
    }

    [Fact]
    public async Task InsertRow_FromTheVersionRead_AddsTheRowAndMovesTheVersionOnWithANewEtag()
    {
        var table = await OpenAsync(NewClusterId());
        var before = (await table.ReadAllAsync()).Version;
        var entry = MembershipEntries.New();

        Assert.True(await table.InsertRowAsync(entry, before.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal(1, after.Version.Version);
        Assert.NotEqual(before.VersionEtag, after.Version.VersionEtag);
        var (stored, etag) = Assert.Single(after.Members);
        MembershipEntries.AssertSame(entry, stored);
        Assert.False(string.IsNullOrEmpty(etag));
    }

    [Fact]
    public async Task InsertRow_FromAStaleVersion_IsRefusedAndChangesNothing()
    {
        var table = await OpenAsync(NewClusterId());
        var read = (await table.ReadAllAsync()).Version;
        Assert.True(await table.InsertRowAsync(MembershipEntries.New(), read.Next()));
        var current = await table.ReadAllAsync();

        Assert.False(await table.InsertRowAsync(MembershipEntries.New(), read.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal(current.Version, after.Version);
        Assert.Single(after.Members);
    }

    [Fact]
    public async Task InsertRow_ThatSkipsAVersion_IsRefused()
    {
        var table = await OpenAsync(NewClusterId());
        var read = (await table.ReadAllAsync()).Version;

        Assert.False(await table.InsertRowAsync(MembershipEntries.New(), new TableVersion(read.Version + 2, read.VersionEtag)));

        Assert.Equal(read, (await table.ReadAllAsync()).Version);
    }

    [Fact]
    public async Task InsertRow_ForASiloThatHasARow_IsRefusedEvenFromTheCurrentVersion()
    {
        var table = await OpenAsync(NewClusterId());
        var entry = MembershipEntries.New();
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var current = (await table.ReadAllAsync()).Version;

        Assert.False(await table.InsertRowAsync(MembershipEntries.Copy(entry), current.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal(current, after.Version);
        Assert.Single(after.Members);
    }

    [Fact]
    public async Task ReadRow_ReturnsThatSiloOnlyWithTheTableVersion_AndNoRowForAnUnknownSilo()
    {
        var table = await OpenAsync(NewClusterId());
        var first = MembershipEntries.New();
        var second = MembershipEntries.New(SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(first, (await table.ReadAllAsync()).Version.Next()));
        Assert.True(await table.InsertRowAsync(second, (await table.ReadAllAsync()).Version.Next()));
        var all = await table.ReadAllAsync();

        var row = await table.ReadRowAsync(second.SiloAddress);
        var unknown = await table.ReadRowAsync(MembershipEntries.New().SiloAddress);

        Assert.Equal(all.Version, row.Version);
        var (stored, etag) = Assert.Single(row.Members);
        MembershipEntries.AssertSame(second, stored);
        Assert.Equal(all.TryGet(second.SiloAddress)!.Item2, etag);
        Assert.Empty(unknown.Members);
        Assert.Equal(all.Version, unknown.Version);
    }

    [Fact]
    public async Task UpdateRow_WithTheRowEtagAndVersionRead_ReplacesTheWholeEntry()
    {
        var table = await OpenAsync(NewClusterId());
        var entry = MembershipEntries.New();
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var read = await table.ReadRowAsync(entry.SiloAddress);
        var oldEtag = read.Members[0].Item2;

        var changed = MembershipEntries.Copy(entry);
        changed.Status = SiloStatus.Dead;
        changed.IAmAliveTime = entry.IAmAliveTime.AddSeconds(7);
        changed.SuspectTimes =
        [
            Tuple.Create(MembershipEntries.New().SiloAddress, entry.StartTime.AddSeconds(3)),
            Tuple.Create(MembershipEntries.New().SiloAddress, entry.StartTime.AddSeconds(4)),
        ];
        Assert.True(await table.UpdateRowAsync(changed, oldEtag, read.Version.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal(2, after.Version.Version);
        Assert.NotEqual(read.Version.VersionEtag, after.Version.VersionEtag);
        var (stored, newEtag) = Assert.Single(after.Members);
        MembershipEntries.AssertSame(changed, stored);
        Assert.NotEqual(oldEtag, newEtag);
    }

    [Fact]
    public async Task UpdateRow_WithAStaleRowEtag_IsRefusedAndChangesNothing()
    {
        var table = await OpenAsync(NewClusterId());
        var entry = MembershipEntries.New();
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var first = await table.ReadRowAsync(entry.SiloAddress);
        Assert.True(await table.UpdateRowAsync(WithStatus(entry, SiloStatus.Active), first.Members[0].Item2, first.Version.Next()));
        var current = await table.ReadAllAsync();

        // The version is current, the row etag is the one before the last update.
        Assert.False(await table.UpdateRowAsync(WithStatus(entry, SiloStatus.Dead), first.Members[0].Item2, current.Version.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal(current.Version, after.Version);
        Assert.Equal(SiloStatus.Active, after.Members[0].Item1.Status);
        Assert.Equal(current.Members[0].Item2, after.Members[0].Item2);
    }

    [Fact]
    public async Task UpdateRow_WithTheRowEtagButAStaleTableVersion_IsRefused()
    {
        var table = await OpenAsync(NewClusterId());
        var entry = MembershipEntries.New();
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var read = await table.ReadRowAsync(entry.SiloAddress);
        Assert.True(await table.InsertRowAsync(MembershipEntries.New(), read.Version.Next()));

        // Another silo's insert moved the version on: this silo's row etag alone is not enough.
        Assert.False(await table.UpdateRowAsync(WithStatus(entry, SiloStatus.Active), read.Members[0].Item2, read.Version.Next()));

        var after = await table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(SiloStatus.Joining, after.Members[0].Item1.Status);
        Assert.Equal(2, after.Version.Version);
    }

    [Fact]
    public async Task UpdateRow_ForASiloWithoutARow_IsRefused()
    {
        var table = await OpenAsync(NewClusterId());
        var read = await table.ReadAllAsync();

        Assert.False(await table.UpdateRowAsync(MembershipEntries.New(), "no-such-etag", read.Version.Next()));

        Assert.Equal(read.Version, (await table.ReadAllAsync()).Version);
        Assert.Empty((await table.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task UpdateIAmAlive_ChangesOnlyTheIAmAliveTime_NotTheVersionNorTheRowEtag()
    {
        var table = await OpenAsync(NewClusterId());
        var entry = MembershipEntries.New(SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var before = await table.ReadAllAsync();
        var alive = entry.IAmAliveTime.AddSeconds(30);

        // As Orleans calls it: only the address and the time are filled in.
        await table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = alive });

        var after = await table.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        var (stored, etag) = Assert.Single(after.Members);
        Assert.Equal(before.Members[0].Item2, etag);
        var expected = MembershipEntries.Copy(entry);
        expected.IAmAliveTime = alive;
        MembershipEntries.AssertSame(expected, stored);

        // The unchanged etag still updates the row.
        Assert.True(await table.UpdateRowAsync(WithStatus(expected, SiloStatus.ShuttingDown), etag, after.Version.Next()));
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_RemovesOnlySilosNotActiveAndNotUpdatedSinceTheCutOff()
    {
        var table = await OpenAsync(NewClusterId());
        var now = MembershipEntries.Now();
        var cutOff = now.AddDays(-1);
        var old = now.AddDays(-10);
        var oldDead = MembershipEntries.New(SiloStatus.Dead, old);
        var oldJoining = MembershipEntries.New(SiloStatus.Joining, old);
        var oldActive = MembershipEntries.New(SiloStatus.Active, old);
        var recentDead = MembershipEntries.New(SiloStatus.Dead, now);
        var oldDeadRecentlyDeclared = MembershipEntries.New(SiloStatus.Dead, old);
        oldDeadRecentlyDeclared.SuspectTimes = [Tuple.Create(recentDead.SiloAddress, now)];
        var oldDeadButAliveLater = MembershipEntries.New(SiloStatus.Dead, old);
        oldDeadButAliveLater.IAmAliveTime = now;
        foreach (var entry in new[] { oldDead, oldJoining, oldActive, recentDead, oldDeadRecentlyDeclared, oldDeadButAliveLater })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        await table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(cutOff));

        var left = (await table.ReadAllAsync()).Members.Select(member => member.Item1.SiloAddress).ToHashSet();
        Assert.Equal(
            new[] { oldActive, recentDead, oldDeadRecentlyDeclared, oldDeadButAliveLater }.Select(entry => entry.SiloAddress).ToHashSet(),
            left);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_RemovesThatClusterOnly()
    {
        var doomedId = NewClusterId();
        var doomed = await OpenAsync(doomedId);
        var kept = await OpenAsync(NewClusterId());
        Assert.True(await doomed.InsertRowAsync(MembershipEntries.New(), (await doomed.ReadAllAsync()).Version.Next()));
        var keptEntry = MembershipEntries.New();
        Assert.True(await kept.InsertRowAsync(keptEntry, (await kept.ReadAllAsync()).Version.Next()));

        await kept.DeleteMembershipTableEntriesAsync(doomedId);

        var gone = await doomed.ReadAllAsync();
        Assert.Empty(gone.Members);
        Assert.Equal(0, gone.Version.Version);
        var (survivor, _) = Assert.Single((await kept.ReadAllAsync()).Members);
        Assert.Equal(keptEntry.SiloAddress, survivor.SiloAddress);

        // The deleted cluster starts over.
        Assert.True(await doomed.InsertRowAsync(MembershipEntries.New(), gone.Version.Next()));
    }

    [Fact]
    public async Task ANewInstance_ReadsWhatAnotherWrote()
    {
        var clusterId = NewClusterId();
        var writer = await OpenAsync(clusterId);
        var entry = MembershipEntries.New(SiloStatus.Active);
        Assert.True(await writer.InsertRowAsync(entry, (await writer.ReadAllAsync()).Version.Next()));

        var reader = await OpenAsync(clusterId);

        var data = await reader.ReadAllAsync();
        Assert.Equal(1, data.Version.Version);
        MembershipEntries.AssertSame(entry, Assert.Single(data.Members).Item1);
    }

    [Fact]
    public async Task ConcurrentInsertsFromTwoInstances_FromTheSameVersion_ExactlyOneWins()
    {
        var clusterId = NewClusterId();
        var tables = new[] { await OpenAsync(clusterId), await OpenAsync(clusterId) };
        var read = (await tables[0].ReadAllAsync()).Version;
        var entries = Enumerable.Range(0, 24).Select(_ => MembershipEntries.New()).ToArray();

        var results = await Task.WhenAll(entries.Select((entry, i) => Task.Run(() => tables[i % 2].InsertRowAsync(entry, read.Next()))));

        var winner = Assert.Single(entries.Where((_, i) => results[i]));
        var after = await tables[1].ReadAllAsync();
        Assert.Equal(1, after.Version.Version);
        Assert.Equal(winner.SiloAddress, Assert.Single(after.Members).Item1.SiloAddress);
    }

    [Fact]
    public async Task ConcurrentReadModifyWritesFromTwoInstances_LoseNoUpdate()
    {
        var clusterId = NewClusterId();
        var tables = new[] { await OpenAsync(clusterId), await OpenAsync(clusterId) };
        var target = MembershipEntries.New(SiloStatus.Active);
        Assert.True(await tables[0].InsertRowAsync(target, (await tables[0].ReadAllAsync()).Version.Next()));
        const int Voters = 16;
        var voters = Enumerable.Range(0, Voters).Select(_ => MembershipEntries.New().SiloAddress).ToArray();

        // Each task adds its own suspect vote the way Orleans does: read, change, write with the
        // etag and version read, and start over when refused. A lost update would drop a vote.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Task.WhenAll(voters.Select((voter, i) => Task.Run(async () =>
        {
            var table = tables[i % 2];
            while (true)
            {
                bound.Token.ThrowIfCancellationRequested();
                var read = await table.ReadRowAsync(target.SiloAddress);
                var (entry, etag) = read.Members[0];
                entry.AddSuspector(voter, target.StartTime.AddSeconds(i));
                if (await table.UpdateRowAsync(entry, etag, read.Version.Next()))
                {
                    return;
                }
            }
        })));

        var after = await tables[1].ReadAllAsync();
        Assert.Equal(1 + Voters, after.Version.Version);
        var stored = Assert.Single(after.Members).Item1;
        Assert.Equal(voters.ToHashSet(), stored.SuspectTimes!.Select(vote => vote.Item1).ToHashSet());
    }

    /// <summary>Creates, initializes and remembers a table instance (disposed after the test).</summary>
    protected async Task<IMembershipTable> OpenAsync(string clusterId)
    {
        var table = Create(clusterId);
        _opened.Add(table);
        await table.InitializeMembershipTableAsync(true);
        return table;
    }

    private static MembershipEntry WithStatus(MembershipEntry entry, SiloStatus status)
    {
        var copy = MembershipEntries.Copy(entry);
        copy.Status = status;
        return copy;
    }
}
