using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Audit;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Policy.Language;
using KeylessGeo.Policy.Topology;
using KeylessGeo.Policy.Validation;

namespace KeylessGeo.ControlPlane.Topology;

/// <summary>The datacenter topology: read it, replace it (re-evaluating every policy in the same commit).</summary>
public sealed class TopologyService
{
    private readonly ControlPlaneContext _context;

    internal TopologyService(ControlPlaneContext context) => _context = context;

    /// <summary>The current topology and registered wrapping keys.</summary>
    public async Task<TopologyView> GetAsync(CancellationToken cancellationToken)
    {
        var state = await _context.Committer.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new TopologyView
        {
            Revision = state.Revision,
            Datacenters = [.. state.Datacenters.Select(d => new DatacenterView { Id = d.Id, Region = d.Region, Country = d.Country, Tier = d.Tier, Labels = d.Labels })],
            WrappingKeys = [.. state.WrappingKeys.Select(WrappingKeyService.View)],
        };
    }

    /// <summary>
    /// Replaces the topology in one commit: validates it (422 with every error), re-evaluates every
    /// policy, adjusts the policy-key copies of policies whose permitted set changes (added
    /// datacenters with a registered key get a copy, removed ones lose theirs), and deletes the
    /// wrapping keys of removed datacenters. Refused (422) when a policy would be left empty or
    /// below the minimum (unless forced) or would name a removed datacenter. An identical topology
    /// changes nothing (no commit, no audit entry).
    /// </summary>
    public Task<TopologyChange> ReplaceAsync(string actor, TopologyReplacement replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        var errors = TopologyValidator.Validate(replacement.Datacenters);
        if (!errors.IsEmpty)
        {
            throw TopologyReplacement.Invalid(errors);
        }

        var topology = DatacenterTopology.Create(replacement.Datacenters);
        var records = replacement.Datacenters.Select(TopologyRecords.ToRecord).OrderBy(d => d.Id, StringComparer.Ordinal).ToImmutableArray();
        return _context.Committer.RunAsync("topology replace", view => PlanReplacement(actor, view.State, topology, records, replacement.Force), cancellationToken);
    }

    private Plan<TopologyChange> PlanReplacement(string actor, ControlPlaneState state, DatacenterTopology topology, ImmutableArray<DatacenterRecord> records, bool force)
    {
        var before = state.Datacenters.ToDictionary(d => d.Id, StringComparer.Ordinal);
        var added = records.Where(d => !before.ContainsKey(d.Id)).Select(d => d.Id).ToImmutableArray();
        var removed = state.Datacenters.Where(d => !topology.Contains(d.Id)).Select(d => d.Id).ToImmutableArray();
        var changed = records.Where(d => before.TryGetValue(d.Id, out var old) && !TopologyRecords.SameAttributes(old, d)).Select(d => d.Id).ToImmutableArray();
        if (added.IsEmpty && removed.IsEmpty && changed.IsEmpty)
        {
            return Plan<TopologyChange>.Unchanged(revision => new TopologyChange { Revision = revision });
        }

        var policyErrors = new List<FieldError>();
        var warnings = ImmutableArray.CreateBuilder<FieldError>();
        var upserts = ImmutableArray.CreateBuilder<PolicyRecord>();
        var placementChanges = ImmutableArray.CreateBuilder<PolicyPlacementChange>();
        var now = _context.Now();
        foreach (var policy in state.Policies)
        {
            var validation = PolicyValidator.Validate(PolicyParser.Parse(policy.Text), topology,
                new PolicyValidationOptions { MinimumDatacenters = _context.Options.MinimumPermittedDatacenters, Force = force });
            var field = $"policies[{policy.Id}]";
            policyErrors.AddRange(validation.Errors.Select(e => Describe(policy, e, field)));
            warnings.AddRange(validation.Warnings.Select(w => Describe(policy, w, field)));
            var permitted = validation.Evaluation.PermittedIds.ToImmutableArray();
            if (permitted.SequenceEqual(policy.PermittedDatacenters, StringComparer.Ordinal) || !validation.IsValid)
            {
                continue;
            }

            using var key = new PolicyKeyHandle(_context.Keyring, policy);
            upserts.Add(policy with
            {
                UpdatedAt = now,
                PermittedDatacenters = permitted,
                WrappedKeys = PolicyKeyCopies.For(() => key.Key, policy.Id, policy.KeyGeneration, permitted, state.FindWrappingKey, policy.WrappedKeys),
            });
            placementChanges.Add(new PolicyPlacementChange
            {
                PolicyId = policy.Id,
                Added = [.. permitted.Except(policy.PermittedDatacenters, StringComparer.Ordinal)],
                Removed = [.. policy.PermittedDatacenters.Except(permitted, StringComparer.Ordinal)],
                Pending = PolicyKeyCopies.Pending(permitted, state.FindWrappingKey),
            });
        }

        if (policyErrors.Count > 0)
        {
            throw new ControlPlaneException(ErrorKind.Invalid, ErrorCodes.TopologyBreaksPolicy,
                $"the new topology would leave {policyErrors.Select(e => e.Field).Distinct().Count()} policy(ies) invalid; nothing was applied: "
                + string.Join("; ", policyErrors.Select(e => e.Message)),
                policyErrors);
        }

        var keysDeleted = removed.Where(id => state.FindWrappingKey(id) is not null).ToImmutableArray();
        var details = new AuditDetails()
            .Add("added", added)
            .Add("removed", removed)
            .Add("changed", changed)
            .Add("datacenters", records.Select(d => d.Id))
            .Add("wrappingKeysDeleted", keysDeleted)
            .Add("forced", force)
            .Add("policies", placementChanges.Select(p => new AuditDetails().Add("policy", p.PolicyId).Add("added", p.Added).Add("removed", p.Removed)).ToList());
        var changes = new ChangeSet
        {
            Audit = new AuditDraft(actor, AuditActions.TopologyReplace, AuditActions.TopologySubject, details.ToJson()),
            ReplaceTopology = records,
            DeleteWrappingKeys = keysDeleted,
            UpsertPolicies = upserts.ToImmutable(),
        };
        var result = new TopologyChange
        {
            Revision = 0,
            Added = added,
            Removed = removed,
            Changed = changed,
            WrappingKeysDeleted = keysDeleted,
            Policies = placementChanges.ToImmutable(),
            Warnings = warnings.ToImmutable(),
        };
        return Plan<TopologyChange>.Commit(changes, revision => result with { Revision = revision });
    }

    private static FieldError Describe(PolicyRecord policy, PolicyIssue issue, string field) =>
        new(field, $"policy '{policy.Id}' (version {policy.Version}, '{policy.Text}'): {issue.Message}", issue.Position is { } p ? new TextPosition(p.Line, p.Column) : null, issue.Code);
}
