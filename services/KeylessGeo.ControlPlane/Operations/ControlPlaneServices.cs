using KeylessGeo.ControlPlane.Audit;
using KeylessGeo.ControlPlane.Health;
using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.Keyservers;
using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.Policies;
using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Topology;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeylessGeo.ControlPlane.Operations;

/// <summary>
/// The control plane's service layer, usable in-process (tests, the demo) and behind the HTTP API.
/// Every mutating operation takes the acting operator's identity first, validates everything
/// against one revision of the store, commits one audited change with optimistic concurrency, and on refusal
/// throws <see cref="ControlPlaneException"/> having changed nothing.
/// </summary>
public sealed class ControlPlaneServices
{
    private ControlPlaneServices(ControlPlaneContext context)
    {
        Store = context.Store;
        Keyring = context.Keyring;
        Topology = new TopologyService(context);
        WrappingKeys = new WrappingKeyService(context);
        Policies = new PolicyService(context);
        PolicyKeys = new PolicyKeyService(context);
        Keys = new KeyService(context);
        Placement = new KeyPlacementService(context);
        Keyservers = new KeyserverService(context);
        Audit = new AuditService(context);
        CommitHealth = context.CommitHealth;
        Follower = context.Follower;
    }

    /// <summary>The store the services commit to.</summary>
    public IControlPlaneStore Store { get; }

    /// <summary>The control plane's own wrapping key.</summary>
    public ControlPlaneKeyring Keyring { get; }

    /// <summary>Get and replace the topology.</summary>
    public TopologyService Topology { get; }

    /// <summary>Register datacenter wrapping keys.</summary>
    public WrappingKeyService WrappingKeys { get; }

    /// <summary>Create, update, explain, list and get policies.</summary>
    public PolicyService Policies { get; }

    /// <summary>Rotate policy keys; delete policies.</summary>
    public PolicyKeyService PolicyKeys { get; }

    /// <summary>Import, rotate, remove, attach, list and get keys.</summary>
    public KeyService Keys { get; }

    /// <summary>Where a key can be used and who serves it.</summary>
    public KeyPlacementService Placement { get; }

    /// <summary>Live keyservers.</summary>
    public KeyserverService Keyservers { get; }

    /// <summary>Read and verify the audit log.</summary>
    public AuditService Audit { get; }

    /// <summary>Whether commits have been going through: the last failed commit until one succeeds.</summary>
    public CommitHealth CommitHealth { get; }

    /// <summary>The services' own view of the store, kept current by change pages.</summary>
    internal StateFollower Follower { get; }

    /// <summary>Builds the services over <paramref name="store"/> and <paramref name="keyring"/> (neither is disposed by them).</summary>
    public static ControlPlaneServices Create(
        IControlPlaneStore store,
        ControlPlaneKeyring keyring,
        ControlPlaneServiceOptions? options = null,
        TimeProvider? time = null,
        ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keyring);
        options ??= new ControlPlaneServiceOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MinimumPermittedDatacenters);
        ArgumentNullException.ThrowIfNull(options.Limits);
        if (options.Limits.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException("invalid control-plane limits: " + string.Join(" ", errors), nameof(options));
        }

        return new ControlPlaneServices(new ControlPlaneContext(store, keyring, options, time ?? TimeProvider.System, loggers ?? NullLoggerFactory.Instance));
    }
}
