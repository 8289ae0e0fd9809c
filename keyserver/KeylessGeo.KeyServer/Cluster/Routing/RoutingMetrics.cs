using System.Diagnostics;
using System.Diagnostics.Metrics;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Cluster.Grains;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Signing;

namespace KeylessGeo.KeyServer.Cluster.Routing;

/// <summary>Routing instruments: requests for keys not permitted here by path and outcome, and key grains active on this silo.</summary>
internal sealed class RoutingMetrics
{
    private readonly Counter<long> _routed;

    public RoutingMetrics(IMeterFactory meterFactory, LocalKeyActivations activations)
    {
        var meter = meterFactory.Create(KeyServerInstruments.MeterName);
        _routed = meter.CreateCounter<long>(KeyServerInstruments.Routed, "{request}", "Requests for keys this datacenter may not hold, by route and outcome.");
        meter.CreateObservableGauge(KeyServerInstruments.KeyGrainActivations, () => activations.Count, "{grain}", "Key grains activated on this silo.");
    }

    public void Routed(string path, SignResponse response) => _routed.Add(1, new TagList
    {
        { KeyServerInstruments.RoutePathTag, path },
        { KeyServerInstruments.ErrorCodeTag, response.OutcomeCase == SignResponse.OutcomeOneofCase.Error ? WireNames.Of(response.Error.Code) : "OK" },
    });
}
