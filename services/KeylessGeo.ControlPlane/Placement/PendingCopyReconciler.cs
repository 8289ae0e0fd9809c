using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeylessGeo.ControlPlane.Placement;

/// <summary>
/// Wraps policy keys to datacenters that a policy permits and that have a registered wrapping
/// key but no copy for it yet. That happens when a keyserver registers its datacenter's key in
/// the store itself on first start (see docs/CLUSTER.md), after the policy was made: the
/// keyserver cannot wrap (it does not hold the policy key), so the control plane does.
/// </summary>
public static class PendingCopyReconciler
{
    /// <summary>The actor the audit log names for copies made by reconciliation.</summary>
    public const string Actor = "control-plane";

    /// <summary>
    /// Datacenters with a registered wrapping key that some permitting policy has no current
    /// copy for, sorted; computed from a whole snapshot (the pending-copy service keeps the same
    /// answer current by change pages instead, <see cref="PendingCopyIndex"/>).
    /// </summary>
    public static IReadOnlyList<string> PendingDatacenters(ControlPlaneSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var pending = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var policy in snapshot.Policies)
        {
            foreach (var datacenter in policy.PermittedDatacenters)
            {
                if (snapshot.FindWrappingKey(datacenter) is { } key &&
                    !policy.WrappedKeys.Any(c => c.DatacenterId == datacenter && c.WrappingKeyFingerprint == key.Fingerprint))
                {
                    pending.Add(datacenter);
                }
            }
        }

        return [.. pending];
    }

    /// <summary>
    /// Makes every pending copy once, from a snapshot read now (one audited commit per datacenter,
    /// through the same registration path an operator uses). Returns the datacenters it wrapped for.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReconcileAsync(ControlPlaneServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var follower = new PendingCopyFollower(services.Store, NullLogger.Instance);
        return await ReconcileAsync(services, await follower.CurrentAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes every copy <paramref name="index"/> says is pending; returns the datacenters it wrapped for.</summary>
    internal static async Task<IReadOnlyList<string>> ReconcileAsync(ControlPlaneServices services, PendingCopyIndex index, CancellationToken cancellationToken)
    {
        var pending = index.PendingDatacenters;
        foreach (var datacenter in pending)
        {
            var key = index.WrappingKey(datacenter)!;
            await services.WrappingKeys.RegisterAsync(Actor, datacenter, PemEncoding.WriteString("PUBLIC KEY", key.PublicKey), cancellationToken).ConfigureAwait(false);
        }

        return pending;
    }
}
