using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Store.Changes;

/// <summary>
/// One atomic change: records to insert or replace (matched by id), ids to delete, and the audit
/// entry describing it. The control plane validates the change against the snapshot it read;
/// the store applies it whole or not at all.
/// </summary>
public sealed record ChangeSet
{
    /// <summary>What the audit log records for this change (required: no unaudited change).</summary>
    public required AuditDraft Audit { get; init; }

    /// <summary>When set, replaces the whole topology (datacenters not listed are removed).</summary>
    public ImmutableArray<DatacenterRecord>? ReplaceTopology { get; init; }

    public ImmutableArray<WrappingKeyRecord> UpsertWrappingKeys { get; init; } = [];

    public ImmutableArray<string> DeleteWrappingKeys { get; init; } = [];

    public ImmutableArray<PolicyRecord> UpsertPolicies { get; init; } = [];

    public ImmutableArray<string> DeletePolicies { get; init; } = [];

    public ImmutableArray<ManagedKeyRecord> UpsertKeys { get; init; } = [];

    public ImmutableArray<string> DeleteKeys { get; init; } = [];
}
