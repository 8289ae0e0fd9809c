namespace KeylessGeo.ControlPlane.Health;

/// <summary>A commit the store did not take: which operation, the error code, why, and when.</summary>
/// <param name="Operation">The operation, e.g. <c>policy create</c>.</param>
/// <param name="Code">The error code the caller got (<c>store-unavailable</c>, <c>store-integrity</c>).</param>
/// <param name="Reason">The store's explanation.</param>
/// <param name="At">When it failed (the control plane's clock).</param>
public sealed record CommitFailure(string Operation, string Code, string Reason, DateTimeOffset At);
