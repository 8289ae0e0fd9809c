using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.InMemory;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>
/// Opens the store <see cref="StoreOptions"/> names: the store library's embedded or PostgreSQL
/// store (<see cref="Store.ControlPlaneStoreFactory"/>), or the in-memory store for tests and demos.
/// </summary>
public static class ControlPlaneStoreFactory
{
    /// <summary>Whether <paramref name="options"/> names the in-memory store.</summary>
    public static bool IsInMemory(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Equals(options.Kind?.Trim(), StoreKinds.InMemory, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Every problem with <paramref name="options"/>, each naming its field under <c>ControlPlane:Store</c>.</summary>
    public static IReadOnlyList<string> Validate(StoreOptions options) =>
        IsInMemory(options) ? [] : [.. ToStoreOptions(options).Validate().Select(e => $"{ControlPlaneOptions.SectionName}:Store:{e}")];

    /// <summary>Creates the store (nothing touches the disk or the network until its first use); the caller disposes it.</summary>
    public static IControlPlaneStore Create(StoreOptions options, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return IsInMemory(options)
            ? new InMemoryControlPlaneStore(time)
            : Store.ControlPlaneStoreFactory.Create(ToStoreOptions(options), time, logger);
    }

    private static ControlPlaneStoreOptions ToStoreOptions(StoreOptions options) => new()
    {
        Kind = options.Kind,
        DataDirectory = string.IsNullOrWhiteSpace(options.DataDirectory) ? null : options.DataDirectory,
        ConnectionString = string.IsNullOrWhiteSpace(options.ConnectionString) ? null : options.ConnectionString,
    };
}
