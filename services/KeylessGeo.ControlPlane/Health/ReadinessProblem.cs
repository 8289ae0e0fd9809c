using System.Text.Json.Serialization;

namespace KeylessGeo.ControlPlane.Health;

/// <summary>One reason the control plane is not ready, as <c>/readyz</c> lists it.</summary>
public sealed record ReadinessProblem
{
    /// <summary>A <see cref="ReadinessCodes"/> or <see cref="Store.Integrity.StoreIntegrityCodes"/> code.</summary>
    public required string Code { get; init; }

    /// <summary>The whole finding as one sentence: the file or table, the entry, what was expected.</summary>
    public required string Message { get; init; }

    /// <summary>The damaged file (embedded store) or table (PostgreSQL).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Location { get; init; }

    /// <summary>The audit entry concerned.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Sequence { get; init; }

    /// <summary>What was expected.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Expected { get; init; }

    /// <summary>What was found instead.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Found { get; init; }

    /// <summary>Since when the problem is known.</summary>
    public required DateTimeOffset Since { get; init; }
}
