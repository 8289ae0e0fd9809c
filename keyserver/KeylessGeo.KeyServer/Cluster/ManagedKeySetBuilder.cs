using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.Policy.Topology;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Turns a snapshot into this datacenter's managed key set. A key is servable only when its
/// policy lists this datacenter, its text (evaluated here) permits it, and it holds a policy key
/// wrapped to this keyserver's wrapping key; a policy that does not permit the datacenter makes
/// the key denied, a permitted key that cannot be opened here (no copy yet, a copy for another
/// wrapping key, another generation, unusable public facts) unavailable. Public facts only:
/// nothing is unwrapped here.
/// Entries whose facts did not change are carried over, so their loaded private keys stay.
/// Logs every key that becomes servable, denied or unavailable, and every change.
/// </summary>
internal sealed class ManagedKeySetBuilder
{
    private readonly string _datacenter;
    private readonly LocalWrappingKey _wrappingKey;
    private readonly Func<long> _nextGeneration;
    private readonly ILogger _logger;
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private string? _registeredFingerprint;

    public ManagedKeySetBuilder(string datacenter, LocalWrappingKey wrappingKey, Func<long> nextGeneration, ILogger logger)
    {
        _datacenter = datacenter;
        _wrappingKey = wrappingKey;
        _nextGeneration = nextGeneration;
        _logger = logger;
    }

    /// <summary>The whole set of <paramref name="snapshot"/>, carrying over the entries of <paramref name="previous"/> whose facts did not change.</summary>
    public ManagedKeySet Build(ControlPlaneSnapshot snapshot, ManagedKeySet previous)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(previous);
        CheckRegisteredWrappingKey(snapshot.FindWrappingKey(_datacenter)?.Fingerprint ?? "");
        var topology = PolicyCheck.Topology(snapshot, out var topologyProblem);
        var verdicts = Verdicts(snapshot, topology, topologyProblem);
        long generation = 0;
        var keys = new List<IndexedKey>(snapshot.Keys.Length);
        foreach (var record in snapshot.Keys)
        {
            previous.TryGet(record.KeyId, out var old);
            keys.Add(Decide(record, old, verdicts, ref generation));
        }

        foreach (var keyId in previous.KeyIds)
        {
            if (snapshot.FindKey(keyId) is null)
            {
                ClusterLog.ManagedKeyRemoved(_logger, keyId, _datacenter);
            }
        }

        return new ManagedKeySet(snapshot.Revision, keys, topology, topologyProblem, verdicts);
    }

    /// <summary>
    /// Applies a delta of policies and keys to <paramref name="set"/> in place: a changed policy is
    /// decided again and re-decides only the keys under it (<see cref="ManagedKeySet.KeysOf"/>); a
    /// changed key is decided under its policy; a removed one leaves. Entries whose facts did not
    /// change are kept, as in <see cref="Build"/>. A topology change is not a delta this applies:
    /// the caller rebuilds from a snapshot for it.
    /// </summary>
    public ManagedKeyDelta Apply(ManagedKeySet set, ChangedRecords changed)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(changed);
        var policies = changed.Records.Policies.ToDictionary(static p => p.Id, StringComparer.Ordinal);
        var keys = changed.Records.Keys.ToDictionary(static k => k.KeyId, StringComparer.Ordinal);
        var affected = new SortedSet<string>(StringComparer.Ordinal);
        var changedKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in changed.Page.Changes)
        {
            switch (change.Kind)
            {
                case ChangeKind.Policy when policies.TryGetValue(change.Id, out var policy):
                    var verdict = PolicyCheck.Check(policy, set.Topology, set.TopologyProblem, _datacenter);
                    set.Verdicts[change.Id] = verdict;
                    ReportAnomalies(verdict, set.Topology);
                    affected.UnionWith(set.KeysOf(change.Id));
                    break;
                case ChangeKind.Policy:
                    set.Verdicts.Remove(change.Id);
                    affected.UnionWith(set.KeysOf(change.Id));
                    break;
                case ChangeKind.Key:
                    affected.Add(change.Id);
                    changedKeys.Add(change.Id);
                    break;
                case ChangeKind.WrappingKey:
                    // Keys open with the policy copies wrapped to this datacenter, not with wrapping
                    // key records: only this datacenter's registration is worth a look.
                    if (string.Equals(change.Id, _datacenter, StringComparison.Ordinal))
                    {
                        var registered = changed.Records.WrappingKeys.FirstOrDefault(w => string.Equals(w.DatacenterId, _datacenter, StringComparison.Ordinal));
                        CheckRegisteredWrappingKey(registered?.Fingerprint ?? "");
                    }

                    break;
                default:
                    throw new ArgumentException($"a {change.Kind} change ('{change.Id}') is not a delta of policies, keys and wrapping keys; rebuild from a snapshot", nameof(changed));
            }
        }

        long generation = 0;
        var upserts = new List<IndexedKey>();
        var removed = new List<string>();
        foreach (var keyId in affected)
        {
            set.TryGet(keyId, out var old);
            var record = keys.GetValueOrDefault(keyId) ?? (changedKeys.Contains(keyId) ? null : old is null ? null : ManagedKeySet.FactsOf(old).Record);
            if (record is null)
            {
                if (set.Remove(keyId))
                {
                    ClusterLog.ManagedKeyRemoved(_logger, keyId, _datacenter);
                    removed.Add(keyId);
                }

                continue;
            }

            var entry = Decide(record, old, set.Verdicts, ref generation);
            if (!ReferenceEquals(entry, old))
            {
                set.Set(entry);
                upserts.Add(entry);
            }
        }

        set.Revision = changed.Page.LatestRevision;
        return new ManagedKeyDelta(upserts, removed);
    }

    /// <summary><paramref name="old"/> when its facts still hold, else a new entry for <paramref name="record"/> (logged).</summary>
    private IndexedKey Decide(ManagedKeyRecord record, IndexedKey? old, Dictionary<string, PolicyVerdict> verdicts, ref long generation)
    {
        var facts = Describe(record, verdicts);
        var oldFacts = old is null ? null : ManagedKeySet.FactsOf(old);
        if (old is not null && oldFacts!.SameAs(facts))
        {
            return old;
        }

        // Checked for new and changed keys only: an unchanged entry passed it already.
        if (facts.Status == ManagedKeyStatus.Servable && ManagedKeyEntries.PublicKeyProblem(record) is { } problem)
        {
            facts = facts with
            {
                Status = ManagedKeyStatus.Unavailable,
                Copy = null,
                Refusal = CannotOpen(record),
                Reason = problem,
            };
        }

        if (generation == 0)
        {
            generation = _nextGeneration();
        }

        LogTransition(oldFacts, facts);
        return ManagedKeyEntries.Create(facts, generation, new ManagedKeySource(facts, _wrappingKey, _datacenter));
    }

    // The start-up registration reports a conflict it finds; this reports a registered key
    // that changes later to one this keyserver does not hold.
    private void CheckRegisteredWrappingKey(string registered)
    {
        if (_registeredFingerprint is not null && !string.Equals(registered, _registeredFingerprint, StringComparison.OrdinalIgnoreCase) &&
            registered.Length > 0 && !string.Equals(registered, _wrappingKey.Fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            ClusterLog.RegisteredWrappingKeyChanged(_logger, _datacenter, registered, _wrappingKey.Fingerprint);
        }

        _registeredFingerprint = registered;
    }

    private Dictionary<string, PolicyVerdict> Verdicts(ControlPlaneSnapshot snapshot, DatacenterTopology? topology, string? topologyProblem)
    {
        if (topology is null)
        {
            ReportOnce($"topology\n{topologyProblem}", () => ClusterLog.TopologyInvalid(_logger, snapshot.Revision, topologyProblem!));
        }
        else if (!topology.Contains(_datacenter))
        {
            ReportOnce("absent", () => ClusterLog.DatacenterNotInTopology(_logger, _datacenter, snapshot.Revision));
        }

        var verdicts = new Dictionary<string, PolicyVerdict>(StringComparer.Ordinal);
        foreach (var policy in snapshot.Policies)
        {
            var verdict = PolicyCheck.Check(policy, topology, topologyProblem, _datacenter);
            verdicts[policy.Id] = verdict;
            ReportAnomalies(verdict, topology);
        }

        return verdicts;
    }

    private void ReportAnomalies(PolicyVerdict verdict, DatacenterTopology? topology)
    {
        var policy = verdict.Policy;
        var tag = $"{policy.Id}\n{policy.Version}\n";
        if (verdict.Listed && !verdict.TextPermits && topology is not null && topology.Contains(_datacenter))
        {
            ReportOnce(tag + "text", () => ClusterLog.PolicyListIgnored(_logger, policy.Id, policy.Version, _datacenter, verdict.Explanation));
        }

        if (verdict.Listed && verdict.TextPermits && verdict.Copy is null)
        {
            ReportOnce(tag + "copy", () => ClusterLog.PolicyCopyMissing(_logger, policy.Id, policy.Version, _datacenter));
        }

        if (!verdict.Listed && verdict.Copy is not null)
        {
            ReportOnce(tag + "stale", () => ClusterLog.PolicyCopyNotListed(_logger, policy.Id, policy.Version, _datacenter));
        }
    }

    private ManagedKeyFacts Describe(ManagedKeyRecord record, Dictionary<string, PolicyVerdict> verdicts)
    {
        if (!verdicts.TryGetValue(record.PolicyId, out var verdict))
        {
            return new ManagedKeyFacts
            {
                Record = record,
                Status = ManagedKeyStatus.Denied,
                Refusal = $"key '{record.KeyId}' may not be used in datacenter '{_datacenter}' (its policy '{record.PolicyId}' does not exist)",
                Reason = $"its policy '{record.PolicyId}' does not exist in the store",
            };
        }

        var policy = verdict.Policy;
        var facts = new ManagedKeyFacts
        {
            Record = record,
            Status = ManagedKeyStatus.Denied,
            PolicyVersion = policy.Version,
            PolicyKeyGeneration = policy.KeyGeneration,
            Refusal = $"key '{record.KeyId}' may not be used in datacenter '{_datacenter}' (policy '{policy.Id}' v{policy.Version})",
            Reason = $"policy '{policy.Id}' v{policy.Version} does not permit datacenter '{_datacenter}'",
        };
        if (!verdict.Listed)
        {
            return facts;
        }

        if (!verdict.TextPermits)
        {
            return facts with { Reason = $"policy '{policy.Id}' v{policy.Version} lists datacenter '{_datacenter}' as permitted, but its text does not permit it ({verdict.Explanation}); refused as defence in depth" };
        }

        var unavailable = facts with { Status = ManagedKeyStatus.Unavailable, Refusal = CannotOpen(record) };
        if (verdict.Copy is null)
        {
            // Permitted, but pending: the control plane wraps a copy once this datacenter's
            // wrapping key is registered. Not a policy decision, so not POLICY_DENIED.
            return unavailable with
            {
                Reason = $"policy '{policy.Id}' v{policy.Version} permits datacenter '{_datacenter}', but holds no policy key wrapped to it yet (register the datacenter's wrapping key through the control plane)",
            };
        }

        if (!string.Equals(verdict.Copy.WrappingKeyFingerprint, _wrappingKey.Fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            return unavailable with
            {
                Reason = $"policy '{policy.Id}' v{policy.Version} permits datacenter '{_datacenter}', but its policy key was wrapped for wrapping key {verdict.Copy.WrappingKeyFingerprint} while this keyserver holds {_wrappingKey.Fingerprint} ({_wrappingKey.Path})",
            };
        }

        if (record.PolicyKeyGeneration != policy.KeyGeneration)
        {
            return unavailable with
            {
                Reason = $"it is wrapped under policy key generation {record.PolicyKeyGeneration} of policy '{policy.Id}', whose current generation is {policy.KeyGeneration}",
            };
        }

        return facts with
        {
            Status = ManagedKeyStatus.Servable,
            Copy = verdict.Copy,
            Refusal = null,
            Reason = $"policy '{policy.Id}' v{policy.Version} permits datacenter '{_datacenter}' ({verdict.Explanation})",
        };
    }

    private string CannotOpen(ManagedKeyRecord record) =>
        $"key '{record.KeyId}' cannot be opened by this keyserver in datacenter '{_datacenter}'; the keyserver log names the cause";

    private void LogTransition(ManagedKeyFacts? old, ManagedKeyFacts facts)
    {
        var record = facts.Record;
        if (old is not null && old.Status == facts.Status)
        {
            if (facts.Status == ManagedKeyStatus.Servable)
            {
                ClusterLog.ManagedKeyChanged(_logger, record.KeyId, old.Record.Version, record.Version, old.PolicyKeyGeneration, facts.PolicyKeyGeneration, _datacenter);
            }
            else
            {
                ClusterLog.ManagedKeyStillRefused(_logger, record.KeyId, _datacenter, facts.Reason);
            }

            return;
        }

        switch (facts.Status)
        {
            case ManagedKeyStatus.Servable:
                ClusterLog.ManagedKeyServable(_logger, record.KeyId, record.Version, _datacenter, facts.Reason);
                break;
            case ManagedKeyStatus.Denied:
                ClusterLog.ManagedKeyDenied(_logger, record.KeyId, record.Version, _datacenter, facts.Reason);
                break;
            default:
                ClusterLog.ManagedKeyUnavailable(_logger, record.KeyId, record.Version, _datacenter, facts.Reason);
                break;
        }
    }

    private void ReportOnce(string tag, Action report)
    {
        if (_reported.Add(tag))
        {
            report();
        }
    }
}
