using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Policies;

/// <summary>A policy's current version and where its key is.</summary>
public sealed record PolicyView
{
    public required string Id { get; init; }

    /// <summary>Starts at 1; every update adds one.</summary>
    public required long Version { get; init; }

    /// <summary>The canonical text form.</summary>
    public required string Text { get; init; }

    /// <summary>The same policy in the JSON form.</summary>
    public required string Json { get; init; }

    public required string Author { get; init; }

    public required string Comment { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The current policy key's generation; rotation adds one.</summary>
    public required int KeyGeneration { get; init; }

    /// <summary>The permitted datacenters, sorted.</summary>
    public required ImmutableArray<string> PermittedDatacenters { get; init; }

    /// <summary>Permitted datacenters holding a wrapped copy of the current policy key.</summary>
    public required ImmutableArray<string> WrappedFor { get; init; }

    /// <summary>Permitted datacenters without a registered wrapping key (they get a copy on registration).</summary>
    public required ImmutableArray<string> PendingDatacenters { get; init; }

    /// <summary>The keys this policy governs.</summary>
    public required ImmutableArray<string> Keys { get; init; }
}
