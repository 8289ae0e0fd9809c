using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Topology;

/// <summary>The outcome of registering a datacenter's wrapping public key.</summary>
public sealed record WrappingKeyRegistration
{
    /// <summary>The revision committed at (or the current revision when nothing changed).</summary>
    public required long Revision { get; init; }

    public required string Datacenter { get; init; }

    public required string Fingerprint { get; init; }

    /// <summary>The fingerprint of the key this one replaced, if any.</summary>
    public string? PreviousFingerprint { get; init; }

    /// <summary>False when the same key was already registered and every copy already made.</summary>
    public required bool Changed { get; init; }

    /// <summary>Policies whose key was wrapped to this datacenter by this registration.</summary>
    public ImmutableArray<string> PoliciesWrapped { get; init; } = [];
}
