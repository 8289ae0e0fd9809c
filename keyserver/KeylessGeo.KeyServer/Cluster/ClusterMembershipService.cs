using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Capacity;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Keeps this keyserver registered: checks (and if need be registers) the datacenter's wrapping
/// key, then renews the lease every <see cref="ClusterOptions.LeaseRenewInterval"/> and at once
/// whenever a new revision is applied, with the measured capacity, the accelerator and the
/// applied revision. Removes the lease on a clean shutdown. Store failures are logged and
/// retried at the next renewal; they never stop the process.
/// </summary>
internal sealed class ClusterMembershipService : BackgroundService
{
    private readonly IControlPlaneStore _store;
    private readonly WrappingKeyRegistration _registrar;
    private readonly CapacityState _capacity;
    private readonly ClusterState _state;
    private readonly ClusterMetrics _metrics;
    private readonly ClusterOptions _options;
    private readonly string _keyserverId;
    private readonly string _datacenter;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterMembershipService> _logger;
    private readonly AdvertisedEndpoints _endpoints;
    private volatile WrappingKeyRegistrationOutcome _registration;

    public ClusterMembershipService(
        IControlPlaneStore store, WrappingKeyRegistration registration, CapacityState capacity, ClusterState state, ClusterMetrics metrics,
        IOptions<ClusterOptions> options, IOptions<KeyServerOptions> core, TimeProvider time, ILogger<ClusterMembershipService> logger,
        AdvertisedEndpoints endpoints)
    {
        _endpoints = endpoints;
        _store = store;
        _registrar = registration;
        _capacity = capacity;
        _state = state;
        _metrics = metrics;
        _options = options.Value;
        _keyserverId = core.Value.Id;
        _datacenter = core.Value.Datacenter;
        _time = time;
        _logger = logger;
    }

    /// <summary>What the wrapping key check found (<see cref="WrappingKeyRegistrationOutcome.Pending"/> until the store answers).</summary>
    public WrappingKeyRegistrationOutcome Registration => _registration;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await _store.RemoveLeaseAsync(_keyserverId, cancellationToken).ConfigureAwait(false))
            {
                ClusterLog.LeaseRemoved(_logger, _keyserverId);
            }
        }
        catch (Exception e) when (e is StoreUnavailableException or OperationCanceledException)
        {
            _metrics.StoreFailed("lease");
            ClusterLog.LeaseRemoveFailed(_logger, _keyserverId, e);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ClusterLog.ClusterJoining(_logger, _keyserverId, _datacenter, _store.Kind);
        if (!_endpoints.Configured)
        {
            ClusterLog.NoAdvertisedEndpoints(_logger, _keyserverId);
        }

        using var timer = new PeriodicTimer(_options.LeaseRenewInterval, _time);
        Task<bool>? tick = null;
        Task<long>? applied = null;
        try
        {
            while (true)
            {
                if (Registration == WrappingKeyRegistrationOutcome.Pending)
                {
                    await RegisterAsync(stoppingToken).ConfigureAwait(false);
                }

                var reported = await RenewAsync(stoppingToken).ConfigureAwait(false);
                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                applied ??= _state.WaitForNewRevisionAsync(reported, stoppingToken);
                var woke = await Task.WhenAny(tick, applied).ConfigureAwait(false);
                if (woke == tick)
                {
                    if (!await tick.ConfigureAwait(false))
                    {
                        return;
                    }

                    tick = null;
                }
                else
                {
                    await applied.ConfigureAwait(false);
                    applied = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        try
        {
            _registration = await _registrar.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            Failed("the wrapping key check", "register", e);
        }
    }

    /// <summary>Renews the lease; returns the applied revision it reported.</summary>
    private async Task<long> RenewAsync(CancellationToken cancellationToken)
    {
        var lease = Lease();
        try
        {
            var stored = await _store.RenewLeaseAsync(lease, _options.LeaseTimeToLive, cancellationToken).ConfigureAwait(false);
            ClusterLog.LeaseRenewed(_logger, _keyserverId, stored.ExpiresAt, stored.AppliedRevision);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            // Whatever the store throws (a timeout included) is retried at the next renewal.
            Failed("the lease renewal", "lease", e);
        }

        return lease.AppliedRevision;
    }

    /// <summary>The lease as this keyserver reports it now.</summary>
    private KeyserverLease Lease()
    {
        var capacity = ImmutableSortedDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        foreach (var (algorithm, perSecond) in _capacity.Measured)
        {
            capacity[algorithm.Name()] = perSecond;
        }

        return new KeyserverLease
        {
            KeyserverId = _keyserverId,
            DatacenterId = _datacenter,
            Endpoints = [.. _endpoints.Current()],
            Capacity = capacity.ToImmutable(),
            Accelerator = _capacity.Accelerator.Kind.Length > 0 ? _capacity.Accelerator.Kind : "none",
            AppliedRevision = _state.AppliedRevision,
        };
    }

    private void Failed(string operation, string metricTag, Exception e)
    {
        _metrics.StoreFailed(metricTag);
        if (e is StoreUnavailableException)
        {
            ClusterLog.StoreFailed(_logger, _store.Kind, operation, _options.LeaseRenewInterval, e);
        }
        else
        {
            ClusterLog.ClusterOperationFailed(_logger, operation, _options.LeaseRenewInterval, e);
        }
    }
}
