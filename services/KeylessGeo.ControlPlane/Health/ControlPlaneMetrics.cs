using System.Diagnostics.Metrics;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Health;

/// <summary>
/// The readiness instruments on the control plane's meter, observed from the last readiness
/// report and <see cref="CommitHealth"/> (no I/O when a collector reads them).
/// </summary>
internal sealed class ControlPlaneMetrics
{
    public ControlPlaneMetrics(IMeterFactory meterFactory, StoreReadiness readiness, ControlPlaneServices services)
    {
        var meter = meterFactory.Create(ControlPlaneInstruments.MeterName);
        meter.CreateObservableGauge(
            ControlPlaneInstruments.Ready,
            () => readiness.Last is { } last ? [new Measurement<int>(last.Ready ? 1 : 0)] : Array.Empty<Measurement<int>>(),
            "{state}",
            "1 when the last readiness check found no problem.");
        meter.CreateObservableGauge(
            ControlPlaneInstruments.StoreIntegrity,
            () => readiness.Last?.Integrity switch
            {
                ReadinessReport.Intact => [new Measurement<int>(1)],
                ReadinessReport.Damaged => [new Measurement<int>(0)],
                _ => Array.Empty<Measurement<int>>(),
            },
            "{state}",
            "1 while the store holds what was committed, 0 once it found damage.");
        meter.CreateObservableGauge(
            ControlPlaneInstruments.CommitFailing,
            () => services.CommitHealth.LastFailure is null ? 0 : 1,
            "{state}",
            "1 while the last commit failed and none has succeeded since.");
        meter.CreateObservableCounter(
            ControlPlaneInstruments.CommitFailures,
            () => services.CommitHealth.Failures,
            "{commit}",
            "Commits the store did not take (unreachable or damaged store).");
    }
}
