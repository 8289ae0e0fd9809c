namespace KeylessGeo.ControlPlane.Health;

/// <summary>How often the control plane checks its store in the background (besides every <c>/readyz</c> and every commit).</summary>
/// <param name="CheckInterval">The period (<c>ControlPlane:Store:IntegrityCheckInterval</c>).</param>
internal sealed record ReadinessOptions(TimeSpan CheckInterval);
