using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Serving.Discovery;

/// <summary>
/// The keyservers an edge agent may send to, as a stream of full lists: the first at once, then
/// one whenever the set, an endpoint, a capacity or a health changes (and at least once per
/// refresh interval). Backs <c>keylessgeo.v1.KeyServer/WatchKeyservers</c>.
/// </summary>
public interface IKeyserverWatch
{
    /// <summary>Lists until <paramref name="cancellationToken"/> is cancelled (the caller went away).</summary>
    public IAsyncEnumerable<KeyserverList> WatchAsync(WatchKeyserversRequest request, CancellationToken cancellationToken);
}
