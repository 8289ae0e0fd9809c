using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Policies;

/// <summary>What changing an existing policy to the explained text would do.</summary>
public sealed record PolicyDiff
{
    public required string PolicyId { get; init; }

    public required long CurrentVersion { get; init; }

    public required string CurrentText { get; init; }

    /// <summary>The datacenters permitted now.</summary>
    public required ImmutableArray<string> CurrentlyPermitted { get; init; }

    /// <summary>Datacenters that would be added (they get a copy of the policy key).</summary>
    public required ImmutableArray<string> Added { get; init; }

    /// <summary>Datacenters that would be removed (their copies deleted, their keyservers evict the keys).</summary>
    public required ImmutableArray<string> Removed { get; init; }

    /// <summary>Added datacenters without a registered wrapping key (they would get their copy on registration).</summary>
    public required ImmutableArray<string> AddedWithoutWrappingKey { get; init; }

    /// <summary>The keys whose placement would change (every key under the policy, when the set changes).</summary>
    public required ImmutableArray<string> KeysAffected { get; init; }
}
