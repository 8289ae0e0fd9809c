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
    private readonly ManagedKeyOpener _opener;
    private readonly ManagedKeyDigests _digests = new();
    private readonly ILogger _logger;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<PolicyVerdict, VerdictTexts> _texts = [];
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private string? _registeredFingerprint;

    public ManagedKeySetBuilder(string datacenter, LocalWrappingKey wrappingKey, Func<long> nextGeneration, ManagedKeyBlobs blobs, ILogger logger)
    {
        _datacenter = datacenter;
        _wrappingKey = wrappingKey;
        _nextGeneration = nextGeneration;
        _opener = new ManagedKeyOpener(wrappingKey, datacenter, blobs);
        _logger = logger;
    }

    /// <summary>The whole set of <paramref name="snapshot"/>, carrying over the entries of <paramref name="previous"/> whose facts did not change.</summary>
    public ManagedKeySet Build(ControlPlaneSnapshot snapshot, ManagedKeySet previous)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var build = Begin(snapshot with { Keys = [] }, previous, snapshot.Keys.Length);
        build.Add(snapshot.Keys);
        return build.Finish();
    }

    /// <summary>
    /// Starts a set built a page of keys at a time: <paramref name="header"/> carries the revision,
    /// topology, wrapping keys and policies (its keys are ignored); the keys follow, in key id
    /// order, through <see cref="ManagedKeySetBuild.Add"/>. Entries of <paramref name="previous"/>
    /// whose facts did not change are carried over.
    /// </summary>
    /// <param name="header">The snapshot's first page as a snapshot.</param>
    /// <param name="previous">The set in force.</param>
    /// <param name="expectedKeys">About how many keys the pages hold (a hint to size the build once; 0: the previous set's count).</param>
    public ManagedKeySetBuild Begin(ControlPlaneSnapshot header, ManagedKeySet previous, long expectedKeys = 0)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(previous);
        CheckRegisteredWrappingKey(header.FindWrappingKey(_datacenter)?.Fingerprint ?? "");
        var topology = PolicyCheck.Topology(header, out var topologyProblem);
        var verdicts = Verdicts(header, topology, topologyProblem);
        var capacity = (int)Math.Clamp(expectedKeys > 0 ? expectedKeys : previous.Count, 0, Array.MaxLength);
        return new ManagedKeySetBuild(this, previous, header.Revision, topology, topologyProblem, verdicts, capacity);
    }

    /// <summary>Logs the keys of <paramref name="previous"/> that <paramref name="built"/> no longer holds.</summary>
    internal void ReportRemoved(ManagedKeySet previous, ManagedKeySet built)
    {
        foreach (var keyId in previous.KeyIds)
        {
            if (!built.TryGet(keyId, out _))
            {
                ClusterLog.ManagedKeyRemoved(_logger, keyId, _datacenter);
            }
        }
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
            IndexedKey entry;
            if (keys.GetValueOrDefault(keyId) is { } record)
            {
                entry = Decide(record, old, set.Verdicts, ref generation);
            }
            else if (!changedKeys.Contains(keyId) && old is not null)
            {
                // Its policy changed, not the key: decide the record as held again.
                entry = Redecide(old, set.Verdicts, ref generation);
            }
            else
            {
                if (set.Remove(keyId))
                {
                    ClusterLog.ManagedKeyRemoved(_logger, keyId, _datacenter);
                    removed.Add(keyId);
                }

                continue;
            }

            if (!ReferenceEquals(entry, old))
            {
                set.Set(entry);
                upserts.Add(entry);
            }
        }

        set.Revision = changed.Page.LatestRevision;
        return new ManagedKeyDelta(upserts, removed);
    }

    /// <summary>
    /// <paramref name="old"/> when the facts of <paramref name="record"/> (a record as the store
    /// gives it, full or a key index page's) are still its facts, else a new entry (logged). The
    /// index keeps a slim copy.
    /// </summary>
    internal IndexedKey Decide(ManagedKeyRecord record, IndexedKey? old, Dictionary<string, PolicyVerdict> verdicts, ref long generation)
    {
        verdicts.TryGetValue(record.PolicyId, out var verdict);
        var held = new Held(ManagedKeyEntries.Slim(record, verdict?.Policy.Id), ManagedKeyEntries.ContentDigestOf(record), null, null, record);
        return Decide(held, verdict, old, ref generation);
    }

    /// <summary>As <see cref="Decide(ManagedKeyRecord, IndexedKey?, Dictionary{string, PolicyVerdict}, ref long)"/>, with what <paramref name="prepared"/> computed from the record already.</summary>
    internal IndexedKey Decide(ManagedKeyRecord record, in ManagedKeyPrepared prepared, IndexedKey? old, Dictionary<string, PolicyVerdict> verdicts, ref long generation)
    {
        verdicts.TryGetValue(record.PolicyId, out var verdict);
        var held = new Held(ManagedKeyEntries.Slim(record, verdict?.Policy.Id), prepared.ContentDigest, prepared.Shape, null, record);
        return Decide(held, verdict, old, ref generation);
    }

    /// <summary>The entry of an indexed key decided again (its policy changed, not the key), from what the index holds of it.</summary>
    private IndexedKey Redecide(IndexedKey old, Dictionary<string, PolicyVerdict> verdicts, ref long generation)
    {
        var facts = ManagedKeySet.FactsOf(old);
        var held = new Held(facts.Record, facts.ContentDigest, ManagedKeyShape.Of(old, facts.PublicKeyProblem), old.IpAddresses, null);
        return Decide(held, verdicts.GetValueOrDefault(facts.Record.PolicyId), old, ref generation);
    }

    private IndexedKey Decide(in Held held, PolicyVerdict? verdict, IndexedKey? old, ref long generation)
    {
        var facts = Describe(held, verdict);
        var oldFacts = old is null ? null : ManagedKeySet.FactsOf(old);
        if (old is not null && oldFacts!.SameAs(facts))
        {
            return old;
        }

        // The public key is read for new and changed entries only (an unchanged one was read
        // already); the index keeps what it says, not the key.
        var shape = held.Shape ?? ManagedKeyEntries.Inspect(held.Full!, _digests);
        if (shape.Problem is { } problem)
        {
            facts = facts.Status == ManagedKeyStatus.Servable
                ? facts with
                {
                    PublicKeyProblem = problem,
                    Status = ManagedKeyStatus.Unavailable,
                    Copy = null,
                    Refusal = CannotOpen(held.Record),
                    Reason = problem,
                }
                : facts with { PublicKeyProblem = problem };
        }

        if (generation == 0)
        {
            generation = _nextGeneration();
        }

        LogTransition(oldFacts, facts);
        // Recorded with the key, or (a record from before they were recorded) read from its certificate, for new and changed entries only.
        var ips = held.IpAddresses ?? ManagedKeyEntries.IpAddressesOf(held.Full!);
        return ManagedKeyEntries.Create(facts, generation, new ManagedKeySource(facts, _opener), shape, ips);
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

    // The facts of a key under its policy's verdict (null: the policy does not exist), built once:
    // a servable key, the common case, allocates no refusal text.
    private ManagedKeyFacts Describe(in Held held, PolicyVerdict? verdict)
    {
        var record = held.Record;
        if (verdict is null)
        {
            return new ManagedKeyFacts
            {
                Record = record,
                ContentDigest = held.ContentDigest,
                Status = ManagedKeyStatus.Denied,
                Refusal = $"key '{record.KeyId}' may not be used in datacenter '{_datacenter}' (its policy '{record.PolicyId}' does not exist)",
                Reason = $"its policy '{record.PolicyId}' does not exist in the store",
            };
        }

        // The reasons depend on the policy alone: one string per verdict, shared by its keys.
        var policy = verdict.Policy;
        var texts = _texts.GetValue(verdict, v => new VerdictTexts(v, _datacenter, _wrappingKey));
        ManagedKeyStatus status;
        string reason;
        if (!verdict.Listed || !verdict.TextPermits)
        {
            status = ManagedKeyStatus.Denied;
            reason = verdict.Listed ? texts.TextRefuses : texts.Denied;
        }
        else if (verdict.Copy is null || texts.WrongWrappingKey is not null)
        {
            // Permitted, but pending (no copy for this datacenter yet) or wrapped for another key:
            // not a policy decision, so not POLICY_DENIED.
            status = ManagedKeyStatus.Unavailable;
            reason = texts.WrongWrappingKey ?? texts.NoCopy;
        }
        else if (record.PolicyKeyGeneration != policy.KeyGeneration)
        {
            status = ManagedKeyStatus.Unavailable;
            reason = $"it is wrapped under policy key generation {record.PolicyKeyGeneration} of policy '{policy.Id}', whose current generation is {policy.KeyGeneration}";
        }
        else
        {
            status = ManagedKeyStatus.Servable;
            reason = texts.Servable;
        }

        return new ManagedKeyFacts
        {
            Record = record,
            ContentDigest = held.ContentDigest,
            Status = status,
            PolicyVersion = policy.Version,
            PolicyKeyGeneration = policy.KeyGeneration,
            Copy = status == ManagedKeyStatus.Servable ? verdict.Copy : null,
            Refusal = status switch
            {
                ManagedKeyStatus.Servable => null,
                ManagedKeyStatus.Denied => $"key '{record.KeyId}' may not be used in datacenter '{_datacenter}' (policy '{policy.Id}' v{policy.Version})",
                _ => CannotOpen(record),
            },
            Reason = reason,
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

    // What the index holds of a key to decide it: its slim record, the short content digest standing
    // in for what it drops, for an indexed key decided again its public key's shape and IP addresses,
    // and for a record from the store the record itself (read for what the slim copy lacks).
    private readonly record struct Held(
        ManagedKeyRecord Record, long ContentDigest, ManagedKeyShape? Shape, IReadOnlyList<byte[]>? IpAddresses, ManagedKeyRecord? Full);
}
