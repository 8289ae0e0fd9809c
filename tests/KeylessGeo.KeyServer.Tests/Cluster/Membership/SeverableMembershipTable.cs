using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace KeylessGeo.KeyServer.Tests.Cluster.Membership;

/// <summary>
/// Wraps a silo's membership table so a test can cut the silo off from it, as a process killed
/// with -9 is: after <see cref="Sever"/> its writes fail, so the silo can neither mark itself
/// dead on the way down nor gossip a status it never wrote, and the others must find out by
/// probing it and voting in the table. Reads still work: a dead process reads nothing, so
/// nothing depends on them.
/// </summary>
internal sealed class SeverableMembershipTable(IMembershipTable inner) : IMembershipTable, IAsyncDisposable
{
    private volatile bool _severed;

    /// <summary>Replaces the registered table of <paramref name="services"/> with a severable wrapper around it.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.Last(descriptor => descriptor.ServiceType == typeof(IMembershipTable));
        services.Remove(registered);
        services.AddSingleton(sp => new SeverableMembershipTable((IMembershipTable)(registered.ImplementationFactory?.Invoke(sp)
            ?? registered.ImplementationInstance
            ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!))));
        services.AddSingleton<IMembershipTable>(sp => sp.GetRequiredService<SeverableMembershipTable>());
    }

    /// <summary>Every later write fails.</summary>
    public void Sever() => _severed = true;

    public Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default) =>
        _severed ? Severed() : inner.InitializeMembershipTableAsync(tryInitTableVersion, cancellationToken);

    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default) =>
        _severed ? Severed() : inner.DeleteMembershipTableEntriesAsync(clusterId, cancellationToken);

    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default) =>
        _severed ? Severed() : inner.CleanupDefunctSiloEntriesAsync(beforeDate, cancellationToken);

    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default) =>
        inner.ReadRowAsync(key, cancellationToken);

    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default) => inner.ReadAllAsync(cancellationToken);

    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default) =>
        _severed ? Severed<bool>() : inner.InsertRowAsync(entry, tableVersion, cancellationToken);

    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default) =>
        _severed ? Severed<bool>() : inner.UpdateRowAsync(entry, etag, tableVersion, cancellationToken);

    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default) =>
        _severed ? Severed() : inner.UpdateIAmAliveAsync(entry, cancellationToken);

    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion);

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate);

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key);

    public Task<MembershipTableData> ReadAll() => ReadAllAsync();

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion);

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry);

    public async ValueTask DisposeAsync()
    {
        if (inner is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else if (inner is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private static Task Severed() => Task.FromException(new IOException("membership table severed: this silo plays a process killed with -9"));

    private static Task<T> Severed<T>() => Task.FromException<T>(new IOException("membership table severed: this silo plays a process killed with -9"));
}
