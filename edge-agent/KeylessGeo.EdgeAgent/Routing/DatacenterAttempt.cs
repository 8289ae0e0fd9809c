using KeylessGeo.Contracts.V1;
using KeylessGeo.EdgeAgent.Upstreams;

namespace KeylessGeo.EdgeAgent.Routing;

/// <summary>The state of one request on the datacenter path, across its attempts.</summary>
internal sealed class DatacenterAttempt(EdgeSigningService service, SignRequest request, long deadline, Upstream[] candidates, Upstream? skipped)
{
    public EdgeSigningService Service { get; } = service;

    public SignRequest Request { get; } = request;

    /// <summary>The request's deadline (a <see cref="TimeProvider"/> timestamp).</summary>
    public long Deadline { get; } = deadline;

    public Upstream[] Candidates { get; } = candidates;

    /// <summary>Keyservers already tried (the node-local one too, if it was): a retry goes elsewhere.</summary>
    public List<Upstream> Tried { get; } = skipped is null ? [] : [skipped];

    /// <summary>Why the last selection found nothing, if it did not.</summary>
    public SelectionMiss Miss { get; set; }

    public int Attempts { get; set; }
}
