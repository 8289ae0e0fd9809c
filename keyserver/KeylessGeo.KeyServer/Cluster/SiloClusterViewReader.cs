using System.Collections.Immutable;
using KeylessGeo.KeyServer.Cluster.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Reads this keyserver's view of its Orleans cluster for its advertisement: the active members
/// from Orleans membership, each named by the keyserver id in its silo metadata. The silo is
/// optional (<c>Cluster:Silo:Enabled=false</c>), so its services are resolved lazily from the
/// container; without them the view is <see cref="ClusterView.None"/>.
/// </summary>
internal sealed class SiloClusterViewReader
{
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly Lazy<Parts?> _parts;

    public SiloClusterViewReader(IServiceProvider services, ILogger logger)
    {
        _services = services;
        _logger = logger;
        _parts = new Lazy<Parts?>(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>True when this keyserver hosts a silo.</summary>
    public bool HasSilo => _parts.Value is not null;

    /// <summary>The view now.</summary>
    public ClusterView Read()
    {
        if (_parts.Value is not { } parts)
        {
            return ClusterView.None;
        }

        var snapshot = parts.Membership.CurrentSnapshot;
        var local = parts.Local.SiloAddress;
        if (snapshot.GetSiloStatus(local) != SiloStatus.Active)
        {
            return new ClusterView(parts.Identity.ClusterId, [], 0, true);
        }

        var members = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        var complete = true;
        foreach (var (address, member) in snapshot.Members)
        {
            if (member.Status != SiloStatus.Active)
            {
                continue;
            }

            if (address.Equals(local))
            {
                members.Add(parts.Identity.KeyserverId);
            }
            else if (parts.Metadata.GetSiloMetadata(address).Metadata.TryGetValue(SiloMetadataKeys.KeyserverId, out var id) && id.Length > 0)
            {
                members.Add(id);
            }
            else
            {
                complete = false;
            }
        }

        return new ClusterView(parts.Identity.ClusterId, [.. members], snapshot.Version.Value, complete);
    }

    /// <summary>
    /// Calls <paramref name="changed"/> on every change of Orleans membership until
    /// <paramref name="cancellationToken"/> fires or the silo stops; returns at once without a silo.
    /// </summary>
    public async Task WatchAsync(Action changed, CancellationToken cancellationToken)
    {
        if (_parts.Value is not { } parts)
        {
            return;
        }

        try
        {
            await foreach (var _ in parts.Membership.MembershipUpdates.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                changed();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The renewal interval still refreshes the view; only promptness is lost.
            ClusterLog.ClusterViewWatchFailed(_logger, e);
        }
    }

    private Parts? Resolve()
    {
        var identity = _services.GetService<SiloIdentity>();
        var membership = _services.GetService<IClusterMembershipService>();
        var local = _services.GetService<ILocalSiloDetails>();
        var metadata = _services.GetService<ISiloMetadataCache>();
        return identity is null || membership is null || local is null || metadata is null ? null : new Parts(identity, membership, local, metadata);
    }

    private sealed record Parts(SiloIdentity Identity, IClusterMembershipService Membership, ILocalSiloDetails Local, ISiloMetadataCache Metadata);
}
