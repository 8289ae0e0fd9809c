using System.Diagnostics;
using System.Diagnostics.Metrics;
using KeylessGeo.EdgeHost.Handshakes;

namespace KeylessGeo.EdgeHost.Diagnostics;

/// <summary>The edge host's handshake instruments.</summary>
internal sealed class EdgeHostMetrics
{
    private readonly Counter<long> _handshakes;
    private readonly Histogram<double> _duration;

    public EdgeHostMetrics(IMeterFactory meters, HandshakeGate gate)
    {
        var meter = meters.Create(EdgeHostInstruments.MeterName);
        _handshakes = meter.CreateCounter<long>(EdgeHostInstruments.Handshakes, description: "TLS handshakes by outcome.");
        _duration = meter.CreateHistogram<double>(EdgeHostInstruments.HandshakeDuration, unit: "s", description: "TLS handshake time from taking a slot to its end.");
        meter.CreateObservableGauge(EdgeHostInstruments.HandshakesInProgress, () => gate.InProgress, description: "Handshakes in progress.");
        meter.CreateObservableGauge(EdgeHostInstruments.HandshakesQueued, () => gate.Queued, description: "Connections waiting for a handshake slot.");
        gate.Finished += Finished;
        gate.Refused += Refused;
    }

    private void Finished(bool completed, TimeSpan duration)
    {
        var outcome = new KeyValuePair<string, object?>(EdgeHostInstruments.OutcomeTag, completed ? "completed" : "failed");
        _handshakes.Add(1, outcome);
        _duration.Record(duration.TotalSeconds, outcome);
    }

    private void Refused(string reason) =>
        _handshakes.Add(1, new TagList { { EdgeHostInstruments.OutcomeTag, "refused" }, { EdgeHostInstruments.ReasonTag, reason } });
}
