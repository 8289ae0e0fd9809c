using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Audit;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Placement;

namespace KeylessGeo.ControlPlane.Policies;

/// <summary>Policy-key rotation and policy deletion.</summary>
public sealed class PolicyKeyService
{
    private readonly ControlPlaneContext _context;

    internal PolicyKeyService(ControlPlaneContext context) => _context = context;

    /// <summary>
    /// Rotates the policy key in one commit: a new key at generation + 1, wrapped to every
    /// permitted datacenter with a registered wrapping key and to the control plane, and every key
    /// under the policy re-wrapped from the old generation to the new one. A datacenter that kept a
    /// copy of the old policy key cannot open anything current afterwards. 404 if unknown.
    /// </summary>
    public Task<PolicyKeyRotation> RotateKeyAsync(string actor, string policyId, CancellationToken cancellationToken)
    {
        Ids.CheckPolicyId(policyId);
        // Every key under the policy is re-wrapped: read whole, and only those.
        return _context.Committer.RunAsync("policy rotate-key", state => state.KeyIdsOf(policyId), view =>
        {
            var current = PolicyService.Require(view.State, policyId);
            var generation = current.KeyGeneration + 1;
            using var oldKey = _context.Keyring.OpenPolicyKey(current);
            using var newKey = PolicyKey.Generate();
            var record = current with
            {
                KeyGeneration = generation,
                UpdatedAt = _context.Now(),
                WrappedKeys = PolicyKeyCopies.For(() => newKey, policyId, generation, current.PermittedDatacenters, view.FindWrappingKey, []),
                ControlPlaneCopy = _context.Keyring.WrapForControlPlane(newKey, policyId, generation),
            };
            var now = _context.Now();
            var keys = view.KeysOf(policyId)
                .Select(k => k with
                {
                    PolicyKeyGeneration = generation,
                    WrappedPrivateKey = KeyBlobs.Rewrap(k, oldKey, newKey, policyId, generation),
                    UpdatedAt = now,
                })
                .ToImmutableArray();
            var wrappedFor = record.WrappedKeys.Select(c => c.DatacenterId).ToImmutableArray();
            var pending = PolicyKeyCopies.Pending(current.PermittedDatacenters, view.FindWrappingKey);
            var details = new AuditDetails()
                .Add("oldGeneration", current.KeyGeneration)
                .Add("newGeneration", generation)
                .Add("keysRewrapped", keys.Select(k => k.KeyId))
                .Add("wrappedFor", wrappedFor)
                .Add("pending", pending);
            var changes = new ChangeSet
            {
                Audit = new AuditDraft(actor, AuditActions.PolicyRotateKey, AuditActions.PolicySubject(policyId), details.ToJson()),
                UpsertPolicies = [record],
                UpsertKeys = keys,
            };
            return Plan<PolicyKeyRotation>.Commit(changes, revision => new PolicyKeyRotation
            {
                Revision = revision,
                PolicyId = policyId,
                PreviousGeneration = current.KeyGeneration,
                Generation = generation,
                KeysRewrapped = [.. keys.Select(k => k.KeyId)],
                WrappedFor = wrappedFor,
                PendingDatacenters = pending,
            });
        }, cancellationToken);
    }

    /// <summary>Deletes a policy with every copy of its key. 404 if unknown; 409 while keys are attached (they are listed).</summary>
    public Task<PolicyDeletion> DeleteAsync(string actor, string policyId, CancellationToken cancellationToken)
    {
        Ids.CheckPolicyId(policyId);
        return _context.Committer.RunAsync("policy delete", view =>
        {
            var current = PolicyService.Require(view.State, policyId);
            var keys = view.State.KeyIdsOf(policyId);
            if (keys.Count > 0)
            {
                throw ControlPlaneException.Conflict(ErrorCodes.PolicyInUse, "id",
                    $"policy '{policyId}' still governs {keys.Count} key(s): {string.Join(", ", keys)}; remove them or attach them to another policy first");
            }

            var details = new AuditDetails()
                .Add("version", current.Version)
                .Add("text", current.Text)
                .Add("keyGeneration", current.KeyGeneration)
                .Add("copiesDeleted", current.WrappedKeys.Select(c => c.DatacenterId));
            var changes = new ChangeSet
            {
                Audit = new AuditDraft(actor, AuditActions.PolicyDelete, AuditActions.PolicySubject(policyId), details.ToJson()),
                DeletePolicies = [policyId],
            };
            return Plan<PolicyDeletion>.Commit(changes, revision => new PolicyDeletion(revision, policyId, current.Version));
        }, cancellationToken);
    }
}
