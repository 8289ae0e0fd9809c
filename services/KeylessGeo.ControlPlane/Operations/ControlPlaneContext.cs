using KeylessGeo.ControlPlane.Health;
using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Operations;

/// <summary>What every feature service shares: the store, the control plane's key, the committer, the clock and the rules.</summary>
internal sealed class ControlPlaneContext
{
    public ControlPlaneContext(IControlPlaneStore store, ControlPlaneKeyring keyring, ControlPlaneServiceOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        Store = store;
        Keyring = keyring;
        Options = options;
        Time = time;
        CommitHealth = new CommitHealth(time);
        Follower = new StateFollower(store, loggers.CreateLogger<StateFollower>());
        Committer = new ChangeCommitter(store, Follower, CommitHealth, options.Limits, loggers.CreateLogger<ChangeCommitter>());
    }

    public IControlPlaneStore Store { get; }

    public ControlPlaneKeyring Keyring { get; }

    public ControlPlaneServiceOptions Options { get; }

    public TimeProvider Time { get; }

    public ChangeCommitter Committer { get; }

    /// <summary>The control plane's own view of the store, kept current by change pages.</summary>
    public StateFollower Follower { get; }

    /// <summary>Whether commits have been going through (for the readiness probe).</summary>
    public CommitHealth CommitHealth { get; }

    /// <summary>The time to stamp records with, whole milliseconds (what every store keeps exactly).</summary>
    public DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(Time.GetUtcNow().ToUnixTimeMilliseconds());
}
