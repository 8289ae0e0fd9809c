using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>The outcome of importing, rotating or re-attaching a key.</summary>
public sealed record KeyChange
{
    /// <summary>The revision committed at (or the current revision when nothing changed).</summary>
    public required long Revision { get; init; }

    public required KeyView Key { get; init; }

    /// <summary>For an attach: the policy the key was under; otherwise null.</summary>
    public string? PreviousPolicyId { get; init; }

    /// <summary>For an attach: datacenters where the key becomes usable.</summary>
    public ImmutableArray<string> Added { get; init; } = [];

    /// <summary>For an attach: datacenters where it no longer is.</summary>
    public ImmutableArray<string> Removed { get; init; } = [];

    /// <summary>False when the operation changed nothing (an attach to the key's own policy).</summary>
    public bool Changed { get; init; } = true;

    /// <summary>Findings that did not block the change (an expired certificate).</summary>
    public ImmutableArray<FieldError> Warnings { get; init; } = [];
}
