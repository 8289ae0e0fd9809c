using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Placement;

namespace KeylessGeo.ControlPlane.Placement;

/// <summary>
/// Which datacenters get a copy of a policy key: every permitted datacenter with a registered
/// wrapping key. A permitted datacenter without one is <em>pending</em> and gets its copy when its
/// key is registered.
/// </summary>
internal static class PolicyKeyCopies
{
    /// <summary>
    /// The copies for <paramref name="permitted"/>: an existing copy (same generation) for the same
    /// datacenter and the same registered wrapping key is kept byte for byte; any other permitted,
    /// registered datacenter gets a fresh copy of <paramref name="key"/> (opened only if needed).
    /// Copies for datacenters no longer permitted are left out, i.e. deleted.
    /// </summary>
    public static ImmutableArray<WrappedPolicyKey> For(
        Func<PolicyKey> key, string policyId, int generation, IEnumerable<string> permitted,
        Func<string, WrappingKeyRecord?> wrappingKeyOf, ImmutableArray<WrappedPolicyKey> existing)
    {
        var copies = ImmutableArray.CreateBuilder<WrappedPolicyKey>();
        foreach (var datacenter in permitted.Order(StringComparer.Ordinal))
        {
            if (wrappingKeyOf(datacenter) is not { } wrappingKey)
            {
                continue;
            }

            var kept = existing.FirstOrDefault(c =>
                string.Equals(c.DatacenterId, datacenter, StringComparison.Ordinal)
                && string.Equals(c.WrappingKeyFingerprint, wrappingKey.Fingerprint, StringComparison.Ordinal));
            copies.Add(kept ?? ControlPlaneKeyring.WrapForDatacenter(key(), policyId, generation, wrappingKey));
        }

        return copies.ToImmutable();
    }

    /// <summary>Permitted datacenters that have no registered wrapping key yet.</summary>
    public static ImmutableArray<string> Pending(IEnumerable<string> permitted, Func<string, WrappingKeyRecord?> wrappingKeyOf) =>
        [.. permitted.Where(dc => wrappingKeyOf(dc) is null).Order(StringComparer.Ordinal)];
}
