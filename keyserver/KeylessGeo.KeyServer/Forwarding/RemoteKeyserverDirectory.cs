using KeylessGeo.ControlPlane.Store;
using KeylessGeo.KeyServer.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// Where forwarding candidates come from: the live keyserver leases of the control-plane store
/// (every region registers there), placed in regions by the store's topology. Requests read a
/// cached view; <see cref="RefreshAsync"/> (called in the background by
/// <see cref="RemoteKeyserverDirectoryService"/>) replaces it, and a failing store keeps the last
/// good one in force.
/// </summary>
internal sealed class RemoteKeyserverDirectory
{
    private readonly IControlPlaneStore _store;
    private readonly ForwardingOptions _options;
    private readonly string _selfId;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Random _random;
    private RemoteKeyserverView? _view;
    private int _failures;

    /// <summary>Creates the directory. <c>random</c> orders keyservers within a region; it must be thread-safe (the default, <see cref="Random.Shared"/>, is).</summary>
    public RemoteKeyserverDirectory(
        IControlPlaneStore store,
        IOptions<ForwardingOptions> options,
        IOptions<KeyServerOptions> keyServer,
        TimeProvider time,
        ILogger<RemoteKeyserverDirectory> logger,
        Random? random = null)
    {
        _store = store;
        _options = options.Value;
        _selfId = keyServer.Value.Id;
        _time = time;
        _logger = logger;
        _random = random ?? Random.Shared;
    }

    /// <summary>Raised after each failed refresh (for metrics).</summary>
    public event Action? RefreshFailed;

    /// <summary>The current view; null until the store was first read.</summary>
    public RemoteKeyserverView? View => Volatile.Read(ref _view);

    /// <summary>The keyservers of <paramref name="permittedDatacenters"/> in the order to try them (empty before the first read).</summary>
    public RemoteKeyserver[] Candidates(IReadOnlyCollection<string> permittedDatacenters) =>
        View?.Candidates(permittedDatacenters, _random) ?? [];

    /// <summary>
    /// Reads the store and swaps in a new view. Returns false, keeping the last good view, when the
    /// store fails. Throws only <see cref="OperationCanceledException"/> for <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        RemoteKeyserverView view;
        try
        {
            var leases = await _store.ReadLiveLeasesAsync(cancellationToken).ConfigureAwait(false);
            var snapshot = await _store.ReadSnapshotAsync(cancellationToken).ConfigureAwait(false);
            view = RemoteKeyserverView.Build(leases, snapshot.Datacenters, _selfId, _options.RegionPreference ?? [], _time.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Any store failure, not just StoreUnavailableException: the directory must outlive a
            // store that misbehaves, and the last view is still the best guess.
            _failures++;
            if ((_failures & (_failures - 1)) == 0)
            {
                // Failures 1, 2, 4, 8 …: an outage is reported without a message every few seconds.
                ForwardingLog.DirectoryRefreshFailed(_logger, _store.Kind, View?.ReadAt, _failures, ex);
            }

            RefreshFailed?.Invoke();
            return false;
        }

        if (_failures > 0)
        {
            ForwardingLog.DirectoryRecovered(_logger, _failures);
            _failures = 0;
        }

        Volatile.Write(ref _view, view);
        ForwardingLog.DirectoryRefreshed(_logger, view.Count, view.RegionCount, view.Skipped);
        return true;
    }
}
