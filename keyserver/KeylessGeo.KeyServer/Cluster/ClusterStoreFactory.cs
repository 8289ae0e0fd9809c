using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.InMemory;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>Opens the control-plane store <see cref="ClusterOptions.Store"/> names.</summary>
internal static class ClusterStoreFactory
{
    /// <summary>The log category of the store's own messages (watcher, listener, migrations).</summary>
    public const string LogCategory = "KeylessGeo.ControlPlane.Store";

    /// <summary>
    /// Creates the store. Nothing touches the disk or the network here: the store's first call
    /// does, so an unreachable store at start-up is a retried failure, not a start-up error.
    /// </summary>
    /// <exception cref="ArgumentException">The store options are invalid (the validator reports this first).</exception>
    public static IControlPlaneStore Create(ClusterOptions options, TimeProvider time, ILoggerFactory loggers) =>
        options.UsesInMemoryStore
            ? new InMemoryControlPlaneStore(time)
            : ControlPlaneStoreFactory.Create(options.Store, time, loggers.CreateLogger(LogCategory));
}
