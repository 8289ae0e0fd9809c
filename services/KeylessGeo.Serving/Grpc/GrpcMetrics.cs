using System.Diagnostics.Metrics;
using KeylessGeo.Serving.Diagnostics;

namespace KeylessGeo.Serving.Grpc;

/// <summary>The gRPC service's own instruments, on the keyserver's meter (names in <see cref="ServingInstruments"/>).</summary>
internal sealed class GrpcMetrics
{
    private readonly Counter<long> _enforcedResets;

    public GrpcMetrics(IMeterFactory meterFactory, ServingMeter meterName)
    {
        var meter = meterFactory.Create(meterName.Name);
        _enforcedResets = meter.CreateCounter<long>(ServingInstruments.GrpcEnforcedResets, "{call}", "SignStream calls reset to enforce the response budget.");
    }

    /// <summary>Counts a <c>SignStream</c> reset for holding more than its share of the spent response budget.</summary>
    public void ResetForResponseBudget() =>
        _enforcedResets.Add(1, new KeyValuePair<string, object?>(ServingInstruments.GrpcLimitTag, "response_budget"));
}
