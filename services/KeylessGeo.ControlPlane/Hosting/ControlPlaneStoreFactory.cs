using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.InMemory;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>Opens the store <see cref="StoreOptions"/> names.</summary>
public static class ControlPlaneStoreFactory
{
    /// <summary>Whether this build can open stores of <paramref name="kind"/>.</summary>
    public static bool IsAvailable(string kind) => kind == StoreKinds.InMemory;

    /// <summary>Opens the store; the caller disposes it.</summary>
    public static IControlPlaneStore Create(StoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind switch
        {
            StoreKinds.InMemory => new InMemoryControlPlaneStore(time),
            _ => throw new InvalidOperationException($"store kind '{options.Kind}' is not available in this build"),
        };
    }
}
