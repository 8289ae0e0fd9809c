namespace KeylessGeo.ControlPlane.Policies;

/// <summary>Create or update a policy.</summary>
public sealed record PolicyRequest
{
    /// <summary>The policy id (see <c>Operations.Ids</c> for the syntax).</summary>
    public required string Id { get; init; }

    /// <summary>The policy, as text or JSON.</summary>
    public required PolicyInput Policy { get; init; }

    /// <summary>Why the change is made; kept with the version and in the audit log.</summary>
    public string Comment { get; init; } = "";

    /// <summary>Accept a permitted set that is empty or below the minimum (nothing else is excused).</summary>
    public bool Force { get; init; }
}
