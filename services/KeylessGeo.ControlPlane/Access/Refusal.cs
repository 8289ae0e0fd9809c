namespace KeylessGeo.ControlPlane.Access;

/// <summary>One refused request, as the audit log aggregates it (every field already bounded and printable).</summary>
/// <param name="Identity">Who was refused (the audit name), or <c>(none)</c>.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path.</param>
/// <param name="Reason">One of <see cref="RefusalReasons"/>.</param>
/// <param name="Status">The HTTP status answered (401 or 403).</param>
internal sealed record Refusal(string Identity, string Method, string Path, string Reason, int Status);
