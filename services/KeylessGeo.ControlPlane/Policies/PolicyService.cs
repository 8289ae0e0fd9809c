using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Audit;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.ControlPlane.Topology;
using KeylessGeo.Placement;
using KeylessGeo.Policy.Language;

namespace KeylessGeo.ControlPlane.Policies;

/// <summary>
/// Policies: create, update, dry-run explain, list and get. (Key rotation and deletion are in
/// <see cref="PolicyKeyService"/>.) A policy's key is wrapped to every permitted datacenter that
/// has a registered wrapping key, and always to the control plane; a permitted datacenter without
/// a registered key is <em>pending</em> and gets its copy when its key is registered.
/// </summary>
public sealed class PolicyService
{
    private readonly ControlPlaneContext _context;

    internal PolicyService(ControlPlaneContext context) => _context = context;

    /// <summary>Every policy, by id.</summary>
    public async Task<ImmutableArray<PolicyView>> ListAsync(CancellationToken cancellationToken)
    {
        var state = await _context.Committer.ReadAsync(cancellationToken).ConfigureAwait(false);
        return [.. state.Policies.Select(p => PolicyViews.From(p, state))];
    }

    /// <summary>One policy; 404 when unknown.</summary>
    public async Task<PolicyView> GetAsync(string id, CancellationToken cancellationToken)
    {
        var state = await _context.Committer.ReadAsync(cancellationToken).ConfigureAwait(false);
        return PolicyViews.From(Require(state, id), state);
    }

    /// <summary>
    /// Creates version 1 with a fresh policy key (generation 1) wrapped to the control plane and to
    /// each permitted datacenter with a registered wrapping key. 409 if the id exists; 400 for
    /// syntax; 422 when invalid against the topology (an empty or too small permitted set only
    /// unless <see cref="PolicyRequest.Force"/>).
    /// </summary>
    public Task<PolicyChange> CreateAsync(string actor, PolicyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ids.CheckPolicyId(request.Id);
        PolicyCompiler.CheckComment(request.Comment);
        var (expression, field) = PolicyCompiler.Parse(request.Policy);
        var text = PolicyPrinter.Print(expression);
        return _context.Committer.RunAsync("policy create", view =>
        {
            var state = view.State;
            if (state.FindPolicy(request.Id) is not null)
            {
                throw ControlPlaneException.Conflict(ErrorCodes.PolicyExists, "id", $"policy '{request.Id}' already exists; update it instead");
            }

            var validation = PolicyCompiler.Validate(expression, TopologyRecords.ToTopology(state), _context.Options.MinimumPermittedDatacenters, request.Force);
            PolicyCompiler.ThrowIfInvalid(validation, field, $"policy '{request.Id}'");
            var permitted = validation.Evaluation.PermittedIds.ToImmutableArray();
            using var key = PolicyKey.Generate();
            var record = new PolicyRecord
            {
                Id = request.Id,
                Version = 1,
                Text = text,
                Author = actor,
                Comment = request.Comment,
                UpdatedAt = _context.Now(),
                KeyGeneration = 1,
                PermittedDatacenters = permitted,
                WrappedKeys = PolicyKeyCopies.For(() => key, request.Id, 1, permitted, state.FindWrappingKey, []),
                ControlPlaneCopy = _context.Keyring.WrapForControlPlane(key, request.Id, 1),
            };
            var details = new AuditDetails()
                .Add("version", 1L)
                .Add("text", text)
                .Add("comment", request.Comment)
                .Add("forced", request.Force)
                .Add("keyGeneration", 1)
                .Add("permitted", permitted)
                .Add("wrappedFor", record.WrappedKeys.Select(c => c.DatacenterId))
                .Add("pending", PolicyKeyCopies.Pending(permitted, state.FindWrappingKey));
            var changes = new ChangeSet
            {
                Audit = new AuditDraft(actor, AuditActions.PolicyCreate, AuditActions.PolicySubject(request.Id), details.ToJson()),
                UpsertPolicies = [record],
            };
            var warnings = validation.Warnings.Select(w => PolicyCompiler.ToFieldError(w, field)).ToImmutableArray();
            return Plan<PolicyChange>.Commit(changes, revision => new PolicyChange
            {
                Revision = revision,
                Policy = PolicyViews.From(record, state),
                Added = permitted,
                Warnings = warnings,
            });
        }, cancellationToken);
    }

    /// <summary>
    /// Replaces the text (version + 1). The same policy key is re-wrapped to the new permitted set:
    /// copies for removed datacenters are deleted, added datacenters get copies; private-key blobs
    /// are not touched. 404 if unknown; otherwise the errors of <see cref="CreateAsync"/>.
    /// </summary>
    public Task<PolicyChange> UpdateAsync(string actor, PolicyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ids.CheckPolicyId(request.Id);
        PolicyCompiler.CheckComment(request.Comment);
        var (expression, field) = PolicyCompiler.Parse(request.Policy);
        var text = PolicyPrinter.Print(expression);
        return _context.Committer.RunAsync("policy update", view =>
        {
            var state = view.State;
            var current = Require(state, request.Id);
            var validation = PolicyCompiler.Validate(expression, TopologyRecords.ToTopology(state), _context.Options.MinimumPermittedDatacenters, request.Force);
            PolicyCompiler.ThrowIfInvalid(validation, field, $"policy '{request.Id}'");
            var permitted = validation.Evaluation.PermittedIds.ToImmutableArray();
            var added = permitted.Except(current.PermittedDatacenters, StringComparer.Ordinal).ToImmutableArray();
            var removed = current.PermittedDatacenters.Except(permitted, StringComparer.Ordinal).ToImmutableArray();
            using var key = new PolicyKeyHandle(_context.Keyring, current);
            var record = current with
            {
                Version = current.Version + 1,
                Text = text,
                Author = actor,
                Comment = request.Comment,
                UpdatedAt = _context.Now(),
                PermittedDatacenters = permitted,
                WrappedKeys = PolicyKeyCopies.For(() => key.Key, current.Id, current.KeyGeneration, permitted, state.FindWrappingKey, current.WrappedKeys),
            };
            var copiesDeleted = current.WrappedKeys.Where(c => removed.Contains(c.DatacenterId, StringComparer.Ordinal)).Select(c => c.DatacenterId).ToImmutableArray();
            var details = new AuditDetails()
                .Add("oldVersion", current.Version)
                .Add("newVersion", record.Version)
                .Add("oldText", current.Text)
                .Add("newText", text)
                .Add("comment", request.Comment)
                .Add("forced", request.Force)
                .Add("added", added)
                .Add("removed", removed)
                .Add("copiesDeleted", copiesDeleted)
                .Add("wrappedFor", record.WrappedKeys.Select(c => c.DatacenterId))
                .Add("pending", PolicyKeyCopies.Pending(permitted, state.FindWrappingKey));
            var changes = new ChangeSet
            {
                Audit = new AuditDraft(actor, AuditActions.PolicyUpdate, AuditActions.PolicySubject(request.Id), details.ToJson()),
                UpsertPolicies = [record],
            };
            var warnings = validation.Warnings.Select(w => PolicyCompiler.ToFieldError(w, field)).ToImmutableArray();
            return Plan<PolicyChange>.Commit(changes, revision => new PolicyChange
            {
                Revision = revision,
                Policy = PolicyViews.From(record, state),
                Added = added,
                Removed = removed,
                RotationRecommended = !copiesDeleted.IsEmpty,
                Warnings = warnings,
            });
        }, cancellationToken);
    }

    /// <summary>
    /// Evaluates a policy against the current topology and changes nothing: the permitted set, the
    /// evaluator's explanation per datacenter, every validation finding, and (with
    /// <see cref="ExplainPolicyRequest.PolicyId"/>) the change from that policy. 400 for syntax;
    /// 404 for an unknown policy id; validation findings are reported in the result, not thrown.
    /// </summary>
    public async Task<PolicyExplanation> ExplainAsync(ExplainPolicyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.PolicyId is not null)
        {
            Ids.CheckPolicyId(request.PolicyId, "policyId");
        }

        var (expression, field) = PolicyCompiler.Parse(request.Policy);
        var state = await _context.Committer.ReadAsync(cancellationToken).ConfigureAwait(false);
        var current = request.PolicyId is null ? null : Require(state, request.PolicyId, "policyId");
        var validation = PolicyCompiler.Validate(expression, TopologyRecords.ToTopology(state), _context.Options.MinimumPermittedDatacenters, request.Force);
        var permitted = validation.Evaluation.PermittedIds.ToImmutableArray();
        return new PolicyExplanation
        {
            Text = PolicyPrinter.Print(expression),
            Json = PolicyJson.Serialize(expression),
            Revision = state.Revision,
            Valid = validation.IsValid,
            Errors = [.. validation.Errors.Select(e => PolicyCompiler.ToFieldError(e, field))],
            Warnings = [.. validation.Warnings.Select(w => PolicyCompiler.ToFieldError(w, field))],
            Permitted = permitted,
            Decisions = [.. validation.Evaluation.Decisions.Select(d => new DatacenterDecisionView(d.Datacenter.Id, d.Permitted, d.Explanation))],
            Diff = current is null ? null : Diff(current, permitted, state),
        };
    }

    internal static PolicyRecord Require(ControlPlaneState state, string id, string field = "id") =>
        state.FindPolicy(id) ?? throw ControlPlaneException.NotFound(ErrorCodes.PolicyNotFound, field, $"policy '{Ids.Printable(id)}' does not exist");

    private static PolicyDiff Diff(PolicyRecord current, ImmutableArray<string> permitted, ControlPlaneState state)
    {
        var added = permitted.Except(current.PermittedDatacenters, StringComparer.Ordinal).ToImmutableArray();
        var removed = current.PermittedDatacenters.Except(permitted, StringComparer.Ordinal).ToImmutableArray();
        var keys = state.KeyIdsOf(current.Id);
        return new PolicyDiff
        {
            PolicyId = current.Id,
            CurrentVersion = current.Version,
            CurrentText = current.Text,
            CurrentlyPermitted = current.PermittedDatacenters,
            Added = added,
            Removed = removed,
            AddedWithoutWrappingKey = PolicyKeyCopies.Pending(added, state.FindWrappingKey),
            KeysAffected = added.IsEmpty && removed.IsEmpty ? [] : [.. keys],
        };
    }
}
