using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.ControlPlane.Store.Tests.Contract;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.InMemory;

/// <summary>The shared store contract against the in-memory reference store ("another instance" is the same object).</summary>
public sealed class InMemoryStoreContractTests : ControlPlaneStoreContract
{
    private readonly ManualTimeProvider _clock = new();
    private InMemoryControlPlaneStore? _store;

    protected override TimeSpan ShortLeaseTimeToLive => TimeSpan.FromSeconds(30);

    protected override DateTimeOffset? ManualNow => _clock.GetUtcNow();

    protected override Task<IControlPlaneStore> CreateInstanceAsync()
    {
        _store ??= new InMemoryControlPlaneStore(_clock, ChangeRetention);
        return Task.FromResult<IControlPlaneStore>(_store);
    }

    protected override Task TamperWithAuditAsync(IControlPlaneStore store, long sequence, string actor)
    {
        ((InMemoryControlPlaneStore)store).TamperWithAudit(sequence, e => e with { Actor = actor });
        return Task.CompletedTask;
    }

    protected override Task RemoveAuditTailAsync(IControlPlaneStore store, int count)
    {
        ((InMemoryControlPlaneStore)store).RemoveAuditTail(count);
        return Task.CompletedTask;
    }

    protected override void PassTime(TimeSpan by) => _clock.Advance(by);
}
