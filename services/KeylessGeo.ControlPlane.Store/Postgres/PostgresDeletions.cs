namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>The ids a commit's deletions actually removed, per kind, in change-feed order.</summary>
internal sealed record PostgresDeletions(
    IReadOnlyList<string> Datacenters,
    IReadOnlyList<string> WrappingKeys,
    IReadOnlyList<string> Policies,
    IReadOnlyList<string> Keys);
