using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Audit;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.Policies;
using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Placement;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>
/// Managed keys: import, rotate, remove, attach to another policy, list and get. A private key is
/// stored only wrapped with its policy's current key (<see cref="PrivateKeyWrapping"/>, bound to
/// key id, policy, policy-key generation and key version); the plaintext from an import is wrapped
/// at once and zeroed.
/// </summary>
public sealed class KeyService
{
    private readonly ControlPlaneContext _context;

    internal KeyService(ControlPlaneContext context) => _context = context;

    /// <summary>
    /// Every key (optionally only those under <paramref name="policyId"/>), by id, without wrapped
    /// blobs. Listing every key needs every key's record: this reads a whole snapshot (the one
    /// operation that does); a policy's keys are read by id.
    /// </summary>
    public async Task<ImmutableArray<KeyView>> ListAsync(string? policyId, CancellationToken cancellationToken)
    {
        if (policyId is not null)
        {
            var view = await _context.Committer.ReadAsync("key list", state => state.KeyIdsOf(policyId), cancellationToken).ConfigureAwait(false);
            return [.. view.KeysOf(policyId).Select(k => KeyViews.From(k))];
        }

        ControlPlaneSnapshot snapshot;
        try
        {
            snapshot = await _context.Store.ReadSnapshotAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            throw ChangeCommitter.Unavailable("reading the control-plane state", ex);
        }

        return [.. snapshot.Keys.Select(k => KeyViews.From(k))];
    }

    /// <summary>One key, read by id; the wrapped blob only with <paramref name="includeWrapped"/>. 404 when unknown.</summary>
    public async Task<KeyView> GetAsync(string keyId, bool includeWrapped, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        RecordSet records;
        try
        {
            records = await _context.Store.ReadRecordsAsync([new RecordId(ChangeKind.Key, keyId)], cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            throw ChangeCommitter.Unavailable("reading the control-plane state", ex);
        }

        return KeyViews.From(records.Keys.FirstOrDefault() ?? throw NotFound(keyId), includeWrapped);
    }

    /// <summary>
    /// Imports a private key as version 1 under a policy, wrapped with the policy's current key.
    /// 409 for a duplicate key id or key pair; 404 for an unknown policy; 422 for a malformed,
    /// encrypted-without-passphrase, wrongly decrypted or unsupported key, or a certificate that is
    /// not the key's; 400 for bad ids or host names.
    /// </summary>
    public async Task<KeyChange> ImportAsync(string actor, ImportKeyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ids.CheckKeyId(request.KeyId);
        Ids.CheckPolicyId(request.PolicyId, "policy");
        using var prepared = PreparedKey.Read(request.PrivateKey, request.CertificatePem, request.HostNames, _context.Now());
        return await _context.Committer.RunAsync("key import", state => KeysFor(state, prepared, keyId: null), view =>
        {
            if (view.HasKey(request.KeyId))
            {
                throw ControlPlaneException.Conflict(ErrorCodes.KeyExists, "keyId", $"key '{request.KeyId}' already exists; rotate it to replace its private key");
            }

            var policy = PolicyService.Require(view.State, request.PolicyId, "policy");
            RefuseDuplicate(view, prepared);
            var now = _context.Now();
            using var policyKey = _context.Keyring.OpenPolicyKey(policy);
            var identity = prepared.Key.Identity;
            var record = new ManagedKeyRecord
            {
                KeyId = request.KeyId,
                PolicyId = policy.Id,
                Version = 1,
                Algorithm = prepared.Key.Algorithm,
                SubjectPublicKeyInfo = identity.SubjectPublicKeyInfo.ToArray(),
                Ski = identity.Ski,
                CertDigest = identity.CertificateDigest,
                CertificatePem = prepared.CertificatePem,
                HostNames = prepared.HostNames,
                IpAddresses = prepared.IpAddresses,
                PolicyKeyGeneration = policy.KeyGeneration,
                WrappedPrivateKey = PrivateKeyWrapping.Wrap(prepared.Key.Pkcs8, policyKey, new KeyWrapContext(request.KeyId, policy.Id, policy.KeyGeneration, 1)),
                CreatedAt = now,
                UpdatedAt = now,
            };
            var changes = new ChangeSet
            {
                Audit = new AuditDraft(actor, AuditActions.KeyImport, AuditActions.KeySubject(request.KeyId), Describe(record).ToJson()),
                UpsertKeys = [record],
            };
            return Plan<KeyChange>.Commit(changes, revision => new KeyChange { Revision = revision, Key = KeyViews.From(record), Warnings = prepared.Warnings });
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces a key's private key under the same id and policy (version + 1). 404 when unknown;
    /// 409 when the new key pair is the current one or another key's; otherwise the errors of
    /// <see cref="ImportAsync"/>.
    /// </summary>
    public async Task<KeyChange> RotateAsync(string actor, RotateKeyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ids.CheckKeyId(request.KeyId);
        using var prepared = PreparedKey.Read(request.PrivateKey, request.CertificatePem, request.HostNames, _context.Now());
        return await _context.Committer.RunAsync("key rotate", state => KeysFor(state, prepared, request.KeyId), view =>
        {
            var current = Require(view, request.KeyId);
            RefuseDuplicate(view, prepared);
            var policy = PolicyOf(view, current);
            using var policyKey = _context.Keyring.OpenPolicyKey(policy);
            var identity = prepared.Key.Identity;
            var version = current.Version + 1;
            var record = current with
            {
                Version = version,
                Algorithm = prepared.Key.Algorithm,
                SubjectPublicKeyInfo = identity.SubjectPublicKeyInfo.ToArray(),
                Ski = identity.Ski,
                CertDigest = identity.CertificateDigest,
                CertificatePem = prepared.CertificatePem,
                HostNames = prepared.NamesGiven ? prepared.HostNames : current.HostNames,

                // The certificate is replaced (or dropped) with the key: so are its addresses.
                IpAddresses = prepared.IpAddresses,
                PolicyKeyGeneration = policy.KeyGeneration,
                WrappedPrivateKey = PrivateKeyWrapping.Wrap(prepared.Key.Pkcs8, policyKey, new KeyWrapContext(current.KeyId, policy.Id, policy.KeyGeneration, version)),
                UpdatedAt = _context.Now(),
            };
            var details = Describe(record).Add("previousVersion", current.Version).Add("previousSki", Convert.ToHexStringLower(current.Ski));
            var changes = new ChangeSet
            {
                Audit = new AuditDraft(actor, AuditActions.KeyRotate, AuditActions.KeySubject(current.KeyId), details.ToJson()),
                UpsertKeys = [record],
            };
            return Plan<KeyChange>.Commit(changes, revision => new KeyChange { Revision = revision, Key = KeyViews.From(record), Warnings = prepared.Warnings });
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a key (its wrapped blob goes with it; keyservers evict it). 404 when unknown.</summary>
    public Task<KeyRemoval> RemoveAsync(string actor, string keyId, CancellationToken cancellationToken)
    {
        Ids.CheckKeyId(keyId);
        return _context.Committer.RunAsync("key remove", _ => [keyId], view =>
        {
            var current = Require(view, keyId);
            var details = new AuditDetails()
                .Add("policy", current.PolicyId)
                .Add("version", current.Version)
                .Add("algorithm", current.Algorithm)
                .Add("ski", Convert.ToHexStringLower(current.Ski));
            var changes = new ChangeSet
            {
                Audit = new AuditDraft(actor, AuditActions.KeyRemove, AuditActions.KeySubject(keyId), details.ToJson()),
                DeleteKeys = [keyId],
            };
            return Plan<KeyRemoval>.Commit(changes, revision => new KeyRemoval(revision, keyId, current.PolicyId, current.Version));
        }, cancellationToken);
    }

    /// <summary>
    /// Moves a key to another policy: its blob is opened with the old policy key and wrapped with
    /// the new one, in one commit. 404 for an unknown key or policy; attaching to the key's own
    /// policy changes nothing.
    /// </summary>
    public Task<KeyChange> AttachAsync(string actor, string keyId, string policyId, CancellationToken cancellationToken)
    {
        Ids.CheckKeyId(keyId);
        Ids.CheckPolicyId(policyId, "policy");
        return _context.Committer.RunAsync("key attach", _ => [keyId], view =>
        {
            var current = Require(view, keyId);
            var target = PolicyService.Require(view.State, policyId, "policy");
            if (current.PolicyId == policyId)
            {
                return Plan<KeyChange>.Unchanged(revision => new KeyChange { Revision = revision, Key = KeyViews.From(current), PreviousPolicyId = policyId, Changed = false });
            }

            var source = PolicyOf(view, current);
            using var oldKey = _context.Keyring.OpenPolicyKey(source);
            using var newKey = _context.Keyring.OpenPolicyKey(target);
            var record = current with
            {
                PolicyId = target.Id,
                PolicyKeyGeneration = target.KeyGeneration,
                WrappedPrivateKey = KeyBlobs.Rewrap(current, oldKey, newKey, target.Id, target.KeyGeneration),
                UpdatedAt = _context.Now(),
            };
            var added = target.PermittedDatacenters.Except(source.PermittedDatacenters, StringComparer.Ordinal).ToImmutableArray();
            var removed = source.PermittedDatacenters.Except(target.PermittedDatacenters, StringComparer.Ordinal).ToImmutableArray();
            var details = new AuditDetails()
                .Add("fromPolicy", source.Id)
                .Add("toPolicy", target.Id)
                .Add("version", current.Version)
                .Add("policyKeyGeneration", target.KeyGeneration)
                .Add("added", added)
                .Add("removed", removed);
            var changes = new ChangeSet
            {
                Audit = new AuditDraft(actor, AuditActions.KeyAttach, AuditActions.KeySubject(keyId), details.ToJson()),
                UpsertKeys = [record],
            };
            return Plan<KeyChange>.Commit(changes, revision => new KeyChange
            {
                Revision = revision, Key = KeyViews.From(record), PreviousPolicyId = source.Id, Added = added, Removed = removed,
            });
        }, cancellationToken);
    }

    internal static ManagedKeyRecord Require(StateView view, string keyId) => view.FindKey(keyId) ?? throw NotFound(keyId);

    internal static PolicyRecord PolicyOf(StateView view, ManagedKeyRecord key) =>
        view.FindPolicy(key.PolicyId) ?? throw new ControlPlaneException(ErrorKind.Internal, ErrorCodes.PolicyNotFound,
            $"key '{key.KeyId}' names policy '{key.PolicyId}', which the store does not hold; nothing was applied");

    private static ControlPlaneException NotFound(string keyId) =>
        ControlPlaneException.NotFound(ErrorCodes.KeyNotFound, "keyId", $"key '{Ids.Printable(keyId)}' does not exist");

    /// <summary>The keys an import or rotation reads whole: those already holding the new key pair (by the SKI index), and <paramref name="keyId"/>.</summary>
    private static IEnumerable<string> KeysFor(ControlPlaneState state, PreparedKey prepared, string? keyId) =>
        keyId is null ? state.KeyIdsWithSki(prepared.Key.Identity.Ski) : state.KeyIdsWithSki(prepared.Key.Identity.Ski).Append(keyId);

    /// <summary>Refuses a key pair another key already holds (found by the SKI index; read whole by <see cref="KeysFor"/>).</summary>
    private static void RefuseDuplicate(StateView view, PreparedKey prepared)
    {
        var ski = prepared.Key.Identity.Ski;
        if (view.State.KeyIdsWithSki(ski) is { IsEmpty: false } holders && view.FindKey(holders.Min!) is { } existing)
        {
            throw ControlPlaneException.Conflict(ErrorCodes.DuplicateKeyMaterial, PrivateKeyReader.Field,
                $"this key pair (SKI {Convert.ToHexStringLower(ski)}) is already managed as key '{existing.KeyId}' version {existing.Version}");
        }
    }

    private static AuditDetails Describe(ManagedKeyRecord key) => new AuditDetails()
        .Add("policy", key.PolicyId)
        .Add("version", key.Version)
        .Add("algorithm", key.Algorithm)
        .Add("ski", Convert.ToHexStringLower(key.Ski))
        .Add("certDigest", key.CertDigest is { } digest ? Convert.ToHexStringLower(digest) : null)
        .Add("hostNames", key.HostNames)
        .Add("certificate", key.CertificatePem is { } pem ? CertificateReader.View(pem).Subject : null)
        .Add("policyKeyGeneration", key.PolicyKeyGeneration);
}
