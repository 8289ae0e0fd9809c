using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace KeylessGeo.ControlPlane.Health;

/// <summary>What <c>/readyz</c> answers: ready, or every problem that stops the control plane from committing safely.</summary>
public sealed record ReadinessReport
{
    /// <summary>The store's integrity when intact.</summary>
    public const string Intact = "intact";

    /// <summary>The store's integrity when it found damage.</summary>
    public const string Damaged = "damaged";

    /// <summary>The store's integrity when the store does not check itself.</summary>
    public const string NotChecked = "not-checked";

    /// <summary>The store's integrity when the store could not be read.</summary>
    public const string Unknown = "unknown";

    /// <summary>True when there is no problem.</summary>
    [JsonIgnore]
    public bool Ready => Problems.IsEmpty;

    /// <summary><c>ready</c> or <c>not-ready</c>.</summary>
    public string Status => Ready ? "ready" : "not-ready";

    /// <summary>The store kind (<c>embedded</c>, <c>postgresql</c>, <c>in-memory</c>).</summary>
    public required string Store { get; init; }

    /// <summary>The store's revision, when it could be read.</summary>
    public long? Revision { get; init; }

    /// <summary><see cref="Intact"/>, <see cref="Damaged"/>, <see cref="NotChecked"/> or <see cref="Unknown"/>.</summary>
    public required string Integrity { get; init; }

    /// <summary>How many audit entries the store has verified.</summary>
    public long VerifiedAuditEntries { get; init; }

    /// <summary>When this report was made.</summary>
    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>Every problem; empty when ready.</summary>
    public ImmutableArray<ReadinessProblem> Problems { get; init; } = [];
}
