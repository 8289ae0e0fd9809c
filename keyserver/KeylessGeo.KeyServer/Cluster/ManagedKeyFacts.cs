using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Everything one snapshot says about one managed key in this datacenter: its state, and for a
/// servable key the policy key copy needed to open it. The record is held without its bulky
/// fields (<see cref="ManagedKeyEntries.Slim"/>): the wrapped private key and the public key are
/// fetched when the key is first used (<see cref="ManagedKeyBlobs"/>), the certificate is not needed
/// (its IP addresses are recorded, or were read from it once); the record's content digest stands in for them. Two snapshots that give a key the same facts keep its index
/// entry, and with it the loaded private key.
/// </summary>
internal sealed record ManagedKeyFacts
{
    /// <summary>The key's record without its wrapped private key, public key, certificate and content digest (see the type's summary).</summary>
    public required ManagedKeyRecord Record { get; init; }

    /// <summary>
    /// The first 8 bytes of the record's content digest (<see cref="ManagedKeyRecord.ContentDigest"/>),
    /// standing for the wrapped private key, the public key and the certificate the index does not hold.
    /// </summary>
    public long ContentDigest { get; init; }

    /// <summary>Why the record's public facts cannot be served (see <see cref="ManagedKeyShape.Problem"/>); null when they can.</summary>
    public string? PublicKeyProblem { get; init; }

    public required ManagedKeyStatus Status { get; init; }

    /// <summary>The policy's version when these facts were computed (for logs; not compared).</summary>
    public long PolicyVersion { get; init; }

    /// <summary>The policy's current key generation: the generation of <see cref="Copy"/>.</summary>
    public int PolicyKeyGeneration { get; init; }

    /// <summary>The policy key wrapped to this datacenter (servable keys only).</summary>
    public WrappedPolicyKey? Copy { get; init; }

    /// <summary>What a client is told for a refused key; null for a servable one.</summary>
    public string? Refusal { get; init; }

    /// <summary>Why, for the keyserver log (may name policies, datacenters and fingerprints; never key material).</summary>
    public required string Reason { get; init; }

    /// <summary>True when <paramref name="other"/> would index and open the key exactly as these facts do.</summary>
    public bool SameAs(ManagedKeyFacts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var a = Record;
        var b = other.Record;
        return Status == other.Status
            && string.Equals(Refusal, other.Refusal, StringComparison.Ordinal)
            && PolicyKeyGeneration == other.PolicyKeyGeneration
            && string.Equals(a.KeyId, b.KeyId, StringComparison.Ordinal)
            && string.Equals(a.PolicyId, b.PolicyId, StringComparison.Ordinal)
            && a.Version == b.Version
            && a.PolicyKeyGeneration == b.PolicyKeyGeneration
            && ContentDigest == other.ContentDigest
            && a.Ski.AsSpan().SequenceEqual(b.Ski)
            && a.CertDigest.AsSpan().SequenceEqual(b.CertDigest)
            && SameNames(a.HostNames, b.HostNames)
            && SameAddresses(a.IpAddresses, b.IpAddresses)
            && SameCopy(Copy, other.Copy);
    }

    private static bool SameNames(ImmutableArray<string> a, ImmutableArray<string> b) =>
        a.AsSpan().SequenceEqual(b.AsSpan(), StringComparer.Ordinal);

    // Recorded addresses (null: not recorded, read from the certificate, which the content digest covers).
    private static bool SameAddresses(ImmutableArray<byte[]>? a, ImmutableArray<byte[]>? b)
    {
        if (a is not { } x || b is not { } y)
        {
            return a is null && b is null;
        }

        if (x.Length != y.Length)
        {
            return false;
        }

        for (var i = 0; i < x.Length; i++)
        {
            if (!x[i].AsSpan().SequenceEqual(y[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameCopy(WrappedPolicyKey? a, WrappedPolicyKey? b) =>
        a is null || b is null
            ? a is null && b is null
            : string.Equals(a.DatacenterId, b.DatacenterId, StringComparison.Ordinal)
              && string.Equals(a.WrappingKeyFingerprint, b.WrappingKeyFingerprint, StringComparison.Ordinal)
              && a.Blob.AsSpan().SequenceEqual(b.Blob);
}
