using Orleans;
using Orleans.Runtime;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// What every membership table of ours shares: Orleans 10.4 calls the <c>*Async</c> members with a
/// cancellation token, while the interface still requires its older members, which forward here.
/// </summary>
public abstract class MembershipTableBase : IMembershipTable
{
    public abstract Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default);

    public abstract Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default);

    public abstract Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default);

    public abstract Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default);

    public abstract Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default);

    public abstract Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default);

    public abstract Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default);

    public abstract Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion);

    /// <inheritdoc />
    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId);

    /// <inheritdoc />
    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate);

    /// <inheritdoc />
    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key);

    /// <inheritdoc />
    public Task<MembershipTableData> ReadAll() => ReadAllAsync();

    /// <inheritdoc />
    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion);

    /// <inheritdoc />
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion);

    /// <inheritdoc />
    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry);
}
