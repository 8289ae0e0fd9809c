using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>A live keyserver in a datacenter the key's policy permits.</summary>
public sealed record KeyserverPlacement
{
    public required string KeyserverId { get; init; }

    public required string Datacenter { get; init; }

    public ImmutableArray<string> Endpoints { get; init; } = [];

    /// <summary>The store revision the keyserver has applied.</summary>
    public required long AppliedRevision { get; init; }

    /// <summary>
    /// <c>serving</c> (its datacenter holds the policy key and it has applied the key's current
    /// state), <c>catching-up</c> (not yet applied), <c>no-policy-key</c> (its datacenter has no
    /// registered wrapping key, so it cannot open the key), or <c>not-in-cluster</c> (its lease is
    /// live, but a newer view of its Orleans cluster does not list it: declared dead or not joined).
    /// </summary>
    public required string Status { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }
}
