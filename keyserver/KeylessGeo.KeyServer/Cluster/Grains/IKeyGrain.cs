using KeylessGeo.Contracts.V1;
using Orleans;
using Orleans.Concurrency;

namespace KeylessGeo.KeyServer.Cluster.Grains;

/// <summary>
/// One managed key of the cluster, keyed by key id, activated only on a silo whose datacenter
/// the key's policy permits (<see cref="Placement.PolicyPlacementAttribute"/>). Requests that
/// enter the region at a silo which may not hold the key reach it through this grain.
/// </summary>
[Alias("keylessgeo.key")]
public interface IKeyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Performs one private-key operation on the activation's silo. Interleaved: requests never
    /// wait for one another's turn; the operation runs on the silo's signing workers. The answer
    /// names the signing keyserver in <c>served_by</c>; per-request problems are in the answer.
    /// </summary>
    [AlwaysInterleave]
    [Alias("sign")]
    public Task<SignResponse> SignAsync(SignRequest request, DateTimeOffset deadline, CancellationToken cancellationToken);
}
