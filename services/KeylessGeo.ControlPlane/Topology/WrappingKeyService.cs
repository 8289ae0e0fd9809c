using System.Collections.Immutable;
using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Audit;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Placement;

namespace KeylessGeo.ControlPlane.Topology;

/// <summary>
/// Datacenter wrapping-key registration. Registering (or replacing) a datacenter's public key
/// wraps the key of every policy that permits the datacenter to it, in the same commit.
/// </summary>
public sealed class WrappingKeyService
{
    private const string Field = "publicKey";

    private readonly ControlPlaneContext _context;

    internal WrappingKeyService(ControlPlaneContext context) => _context = context;

    /// <summary>
    /// Registers <paramref name="publicKey"/> (PEM <c>PUBLIC KEY</c> or base64 DER
    /// SubjectPublicKeyInfo of a P-256 key) for <paramref name="datacenterId"/>. 404 when the
    /// datacenter is not in the topology; 422 when the key is not a P-256 public key. Registering
    /// the key already in force changes nothing unless a copy is missing.
    /// </summary>
    public Task<WrappingKeyRegistration> RegisterAsync(string actor, string datacenterId, string publicKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datacenterId);
        var parsed = Parse(publicKey);
        return _context.Committer.RunAsync("wrapping-key registration", view =>
        {
            var state = view.State;
            if (state.FindDatacenter(datacenterId) is null)
            {
                throw ControlPlaneException.NotFound(ErrorCodes.DatacenterNotFound, "datacenter",
                    $"datacenter '{Ids.Printable(datacenterId)}' is not in the topology (known: {Known(state)})");
            }

            var previous = state.FindWrappingKey(datacenterId);
            var same = previous is not null && string.Equals(previous.Fingerprint, parsed.Fingerprint, StringComparison.Ordinal);
            var record = new WrappingKeyRecord
            {
                DatacenterId = datacenterId,
                Fingerprint = parsed.Fingerprint,
                PublicKey = parsed.SubjectPublicKeyInfo.ToArray(),
                RegisteredAt = same ? previous!.RegisteredAt : _context.Now(),
            };
            // The copies are made as if the new key were registered already.
            WrappingKeyRecord? After(string id) => string.Equals(id, datacenterId, StringComparison.Ordinal) ? record : state.FindWrappingKey(id);
            var upserts = ImmutableArray.CreateBuilder<PolicyRecord>();
            foreach (var policy in state.Policies.Where(p => p.PermittedDatacenters.Contains(datacenterId, StringComparer.Ordinal)))
            {
                if (policy.WrappedKeys.Any(c => c.DatacenterId == datacenterId && c.WrappingKeyFingerprint == parsed.Fingerprint))
                {
                    continue;
                }

                using var key = new PolicyKeyHandle(_context.Keyring, policy);
                upserts.Add(policy with
                {
                    UpdatedAt = _context.Now(),
                    WrappedKeys = PolicyKeyCopies.For(() => key.Key, policy.Id, policy.KeyGeneration, policy.PermittedDatacenters, After, policy.WrappedKeys),
                });
            }

            var wrapped = upserts.Select(p => p.Id).ToImmutableArray();
            if (same && wrapped.IsEmpty)
            {
                return Plan<WrappingKeyRegistration>.Unchanged(revision => new WrappingKeyRegistration
                {
                    Revision = revision, Datacenter = datacenterId, Fingerprint = parsed.Fingerprint, PreviousFingerprint = previous!.Fingerprint, Changed = false,
                });
            }

            var details = new AuditDetails()
                .Add("fingerprint", parsed.Fingerprint)
                .Add("previousFingerprint", previous?.Fingerprint)
                .Add("policiesWrapped", wrapped);
            var changes = new ChangeSet
            {
                Audit = new AuditDraft(actor, AuditActions.WrappingKeyRegister, AuditActions.DatacenterSubject(datacenterId), details.ToJson()),
                UpsertWrappingKeys = [record],
                UpsertPolicies = upserts.ToImmutable(),
            };
            return Plan<WrappingKeyRegistration>.Commit(changes, revision => new WrappingKeyRegistration
            {
                Revision = revision,
                Datacenter = datacenterId,
                Fingerprint = parsed.Fingerprint,
                PreviousFingerprint = previous?.Fingerprint,
                Changed = true,
                PoliciesWrapped = wrapped,
            });
        }, cancellationToken);
    }

    internal static WrappingKeyView View(WrappingKeyRecord record) => new()
    {
        Datacenter = record.DatacenterId,
        Fingerprint = record.Fingerprint,
        PublicKeyPem = PemEncoding.WriteString("PUBLIC KEY", record.PublicKey),
        RegisteredAt = record.RegisteredAt,
    };

    /// <summary>PEM <c>PUBLIC KEY</c> or base64 DER → a validated P-256 public key.</summary>
    internal static DatacenterPublicKey Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, Field, "a public key is required: PEM 'PUBLIC KEY' or base64 DER SubjectPublicKeyInfo");
        }

        byte[] der;
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            if (!PemEncoding.TryFind(text, out var fields))
            {
                throw ControlPlaneException.Invalid(ErrorCodes.InvalidWrappingKey, Field, "the PEM text is malformed (no complete, base64-valid BEGIN/END block)");
            }

            var label = text[fields.Label];
            if (label != "PUBLIC KEY")
            {
                throw ControlPlaneException.Invalid(ErrorCodes.InvalidWrappingKey, Field,
                    $"the PEM block is labelled '{label}'; expected 'PUBLIC KEY' (the datacenter's P-256 public key, e.g. from 'openssl pkey -pubout')");
            }

            der = Convert.FromBase64String(text[fields.Base64Data]);
        }
        else
        {
            try
            {
                der = Convert.FromBase64String(text.Trim());
            }
            catch (FormatException)
            {
                throw ControlPlaneException.Invalid(ErrorCodes.InvalidWrappingKey, Field, "the public key is neither PEM nor valid base64 DER");
            }
        }

        try
        {
            return DatacenterPublicKey.Parse(der);
        }
        catch (PlacementException ex)
        {
            throw ControlPlaneException.Invalid(ErrorCodes.InvalidWrappingKey, Field, ex.Message);
        }
    }

    private static string Known(ControlPlaneState state) =>
        state.HasNoDatacenters ? "none; set the topology first" : string.Join(", ", state.Datacenters.Select(d => d.Id));
}
