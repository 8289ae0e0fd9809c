using System.Collections.Immutable;
using System.Threading.Channels;
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
/// key, then renews the lease every <see cref="ClusterOptions.LeaseRenewInterval"/>, at once
/// whenever a new revision is applied and whenever Orleans membership changes, with the measured
/// capacity, the accelerator, the applied revision and this keyserver's view of its Orleans
/// cluster (so the control plane learns within about a second that a member was declared dead).
/// Removes the lease on a clean shutdown. Store failures are logged and retried at the next
/// renewal; they never stop the process.
/// </summary>
internal sealed class ClusterMembershipService : BackgroundService
{
    /// <summary>
    /// How soon the view is read again when an active silo's keyserver id has not arrived yet
    /// (Orleans fetches silo metadata just after the membership change that announced the silo).
    /// </summary>
    internal static readonly TimeSpan IncompleteViewRetry = TimeSpan.FromMilliseconds(200);

    /// <summary>Re-reads of an incomplete view per membership change, before waiting for the next renewal.</summary>
    internal const int IncompleteViewRetries = 10;

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
    private readonly SiloClusterViewReader _view;
    private volatile WrappingKeyRegistrationOutcome _registration;

    public ClusterMembershipService(
        IControlPlaneStore store, WrappingKeyRegistration registration, CapacityState capacity, ClusterState state, ClusterMetrics metrics,
        IOptions<ClusterOptions> options, IOptions<KeyServerOptions> core, TimeProvider time, ILogger<ClusterMembershipService> logger,
        AdvertisedEndpoints endpoints, IServiceProvider services)
    {
        _view = new SiloClusterViewReader(services, logger);
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
        var membershipChanged = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var watch = _view.WatchAsync(() => membershipChanged.Writer.TryWrite(true), watching.Token);
        Task<bool>? tick = null;
        Task<long>? applied = null;
        Task<bool>? changed = null;
        Task? retry = null;
        var retries = 0;
        try
        {
            while (true)
            {
                if (Registration == WrappingKeyRegistrationOutcome.Pending)
                {
                    await RegisterAsync(stoppingToken).ConfigureAwait(false);
                }

                var (reported, viewComplete) = await RenewAsync(stoppingToken).ConfigureAwait(false);
                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                applied ??= _state.WaitForNewRevisionAsync(reported, stoppingToken);
                changed ??= membershipChanged.Reader.WaitToReadAsync(stoppingToken).AsTask();
                if (viewComplete)
                {
                    retries = 0;
                }
                else if (retry is null && retries < IncompleteViewRetries)
                {
                    retries++;
                    retry = Task.Delay(IncompleteViewRetry, _time, stoppingToken);
                }

                var woke = await Task.WhenAny(retry is null ? [tick, applied, changed] : [tick, applied, changed, retry]).ConfigureAwait(false);
                if (woke == tick)
                {
                    if (!await tick.ConfigureAwait(false))
                    {
                        return;
                    }

                    tick = null;
                }
                else if (woke == applied)
                {
                    await applied.ConfigureAwait(false);
                    applied = null;
                }
                else if (woke == changed)
                {
                    await changed.ConfigureAwait(false);
                    membershipChanged.Reader.TryRead(out _);
                    changed = null;
                    retries = 0;
                }
                else
                {
                    await retry!.ConfigureAwait(false);
                    retry = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await watching.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
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

    /// <summary>Renews the lease; returns the applied revision it reported and whether its cluster view was complete.</summary>
    private async Task<(long Reported, bool ViewComplete)> RenewAsync(CancellationToken cancellationToken)
    {
        var view = ReadView();
        var lease = Lease(view);
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

        return (lease.AppliedRevision, view.Complete);
    }

    private ClusterView ReadView()
    {
        try
        {
            return _view.Read();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Advertise no view rather than a wrong one; the control plane then judges this
            // keyserver by its lease alone, as without a silo.
            ClusterLog.ClusterOperationFailed(_logger, "reading the Orleans membership view", _options.LeaseRenewInterval, e);
            return ClusterView.None with { Complete = false };
        }
    }

    /// <summary>The lease as this keyserver reports it now.</summary>
    private KeyserverLease Lease(ClusterView view)
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
            ClusterId = view.ClusterId,
            ClusterMembers = view.Members,
            ClusterVersion = view.Version,
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
