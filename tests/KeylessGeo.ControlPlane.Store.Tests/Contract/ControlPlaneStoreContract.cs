using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Contract;

/// <summary>
/// The behaviour every <see cref="IControlPlaneStore"/> shares, run against each implementation
/// by a subclass that supplies a fresh backing per test (a temporary directory, a database) and
/// ways to tamper with it and to pass time.
/// </summary>
public abstract partial class ControlPlaneStoreContract : IAsyncLifetime
{
    /// <summary>Every store under test keeps this many change records.</summary>
    protected const int ChangeRetention = 8;

    /// <summary>Bounds every wait, so a broken change feed fails the test instead of hanging it.</summary>
    protected static readonly TimeSpan WaitBound = TimeSpan.FromSeconds(15);

    private readonly List<IControlPlaneStore> _opened = [];

    /// <summary>The test's first store instance.</summary>
    protected IControlPlaneStore Store { get; private set; } = null!;

    /// <summary>Opens another instance over this test's backing (the first call creates the backing).</summary>
    protected abstract Task<IControlPlaneStore> CreateInstanceAsync();

    /// <summary>Edits stored audit entry <paramref name="sequence"/> behind the store's back, as an attacker would.</summary>
    protected abstract Task TamperWithAuditAsync(IControlPlaneStore store, long sequence, string actor);

    /// <summary>A lease lifetime short enough for <see cref="PassTime"/> (or real time) to end it.</summary>
    protected abstract TimeSpan ShortLeaseTimeToLive { get; }

    /// <summary>Moves the store's clock forward; a store on a database clock lets real time pass instead.</summary>
    protected abstract void PassTime(TimeSpan by);

    /// <summary>The store clock's current time when the test controls it, otherwise null.</summary>
    protected virtual DateTimeOffset? ManualNow => null;

    public async Task InitializeAsync()
    {
        await InitializeBackingAsync();
        Store = await OpenAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        await DisposeBackingAsync();
    }

    /// <summary>Prepares the backing before the first instance opens.</summary>
    protected virtual Task InitializeBackingAsync() => Task.CompletedTask;

    /// <summary>Removes the backing after every instance is disposed.</summary>
    protected virtual Task DisposeBackingAsync() => Task.CompletedTask;

    /// <summary>Opens an instance that the test disposes at its end.</summary>
    protected async Task<IControlPlaneStore> OpenAsync()
    {
        var store = await CreateInstanceAsync();
        _opened.Add(store);
        return store;
    }

    /// <summary>Commits at the store's current revision.</summary>
    protected static async Task<CommitResult> CommitAsync(IControlPlaneStore store, ChangeSet changes)
    {
        var revision = await store.GetRevisionAsync(CancellationToken.None);
        return await store.CommitAsync(changes, revision, CancellationToken.None);
    }

    protected Task<CommitResult> CommitAsync(ChangeSet changes) => CommitAsync(Store, changes);

    /// <summary>Commits <paramref name="count"/> small changes (one policy each).</summary>
    protected async Task CommitManyAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await CommitAsync(TestRecords.Change($"policy.update.{i}") with { UpsertPolicies = [TestRecords.Policy($"p{i}")] });
        }
    }

    protected static CancellationToken Bounded() => new CancellationTokenSource(WaitBound).Token;
}
