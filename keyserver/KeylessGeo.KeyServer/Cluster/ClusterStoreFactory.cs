using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.InMemory;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>Opens the control-plane store <see cref="ClusterStoreOptions"/> names.</summary>
internal static class ClusterStoreFactory
{
    /// <summary>
    /// Creates the store. Nothing is connected here: the first call to the store does that, so an
    /// unreachable database at start-up is a retried failure, not a start-up error.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store kind is not available in this build.</exception>
    public static IControlPlaneStore Create(ClusterStoreOptions options, TimeProvider time) => options.Kind switch
    {
        ClusterStoreOptions.InMemoryForTests => new InMemoryControlPlaneStore(time),
        _ => throw new InvalidOperationException(
            $"{ClusterOptions.SectionName}:Store:Kind '{options.Kind}' is not available in this build of the keyserver."),
    };
}
