using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Tests.Contract;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Embedded;

/// <summary>
/// The shared store contract against the embedded file store: each test gets a temporary data
/// directory, and every "other instance" is a separate store object over it (its own lock file
/// handle, watcher and cache, as another process would have).
/// </summary>
public sealed class EmbeddedStoreContractTests : ControlPlaneStoreContract
{
    private readonly ManualTimeProvider _clock = new();
    private readonly TemporaryDirectory _directory = new();

    protected override TimeSpan ShortLeaseTimeToLive => TimeSpan.FromSeconds(30);

    protected override DateTimeOffset? ManualNow => _clock.GetUtcNow();

    protected override async Task<IControlPlaneStore> CreateInstanceAsync()
    {
        var store = new EmbeddedControlPlaneStore(EmbeddedTestOptions.For(_directory.Path) with { ChangeRetention = ChangeRetention }, _clock);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    protected override Task TamperWithAuditAsync(IControlPlaneStore store, long sequence, string actor) =>
        EmbeddedFiles.EditAuditLineAsync(_directory.Path, sequence, e => e with { Actor = actor });

    protected override Task RemoveAuditTailAsync(IControlPlaneStore store, int count) => EmbeddedFiles.RemoveAuditTailAsync(_directory.Path, count);

    protected override void PassTime(TimeSpan by) => _clock.Advance(by);

    protected override Task DisposeBackingAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
