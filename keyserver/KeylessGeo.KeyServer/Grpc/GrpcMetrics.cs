using System.Diagnostics.Metrics;
using KeylessGeo.KeyServer.Diagnostics;

namespace KeylessGeo.KeyServer.Grpc;

/// <summary>The gRPC service's own instruments, on the keyserver's meter (names in <see cref="KeyServerInstruments"/>).</summary>
internal sealed class GrpcMetrics
{
    private readonly Counter<long> _enforcedResets;

    public GrpcMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(KeyServerInstruments.MeterName);
        _enforcedResets = meter.CreateCounter<long>(KeyServerInstruments.GrpcEnforcedResets, "{call}", "SignStream calls reset to enforce the response budget.");
    }

    /// <summary>Counts a <c>SignStream</c> reset for holding more than its share of the spent response budget.</summary>
    public void ResetForResponseBudget() =>
        _enforcedResets.Add(1, new KeyValuePair<string, object?>(KeyServerInstruments.GrpcLimitTag, "response_budget"));
}
