namespace KeylessGeo.ControlPlane.Health;

/// <summary>The control plane's meter and instrument names (OpenTelemetry style, dotted lowercase).</summary>
public static class ControlPlaneInstruments
{
    /// <summary>The meter every control-plane instrument is on.</summary>
    public const string MeterName = "KeylessGeo.ControlPlane";

    /// <summary>Gauge: 1 when the last readiness check found no problem, 0 otherwise.</summary>
    public const string Ready = "keylessgeo.controlplane.ready";

    /// <summary>Gauge: 1 while the store's files or tables hold what was committed, 0 once damage was found (absent when the store does not check itself).</summary>
    public const string StoreIntegrity = "keylessgeo.controlplane.store.integrity";

    /// <summary>Gauge: 1 while the last commit failed and none has succeeded since, else 0.</summary>
    public const string CommitFailing = "keylessgeo.controlplane.store.commit.failing";

    /// <summary>Counter: commits the store did not take (unreachable or damaged store), since start.</summary>
    public const string CommitFailures = "keylessgeo.controlplane.store.commit.failures";
}
