using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Postgres;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Store;

/// <summary>Builds the store that <see cref="ControlPlaneStoreOptions"/> describe.</summary>
public static class ControlPlaneStoreFactory
{
    /// <summary>
    /// Validates <paramref name="options"/> (an <see cref="ArgumentException"/> lists every
    /// problem, each naming its field) and creates the store. Nothing touches the disk or the
    /// network yet; use <see cref="OpenAsync"/> to fail fast at start-up instead.
    /// </summary>
    /// <param name="options">Which store, and where.</param>
    /// <param name="time">The embedded store's clock for lease and audit stamps; PostgreSQL uses the database clock.</param>
    /// <param name="logger">Where the store logs (watcher and listener trouble, migrations).</param>
    public static IControlPlaneStore Create(ControlPlaneStoreOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid control-plane store options: " + string.Join("; ", errors), nameof(options));
        }

        return options.IsEmbedded
            ? new EmbeddedControlPlaneStore(new EmbeddedStoreOptions { DataDirectory = options.DataDirectory! }, time, logger)
            : new PostgresControlPlaneStore(new PostgresStoreOptions { ConnectionString = options.ConnectionString! }, logger);
    }

    /// <summary>
    /// <see cref="Create"/>, then opens the store: creates or checks the data directory, or
    /// connects and migrates the schema. Throws <see cref="StoreUnavailableException"/> when the
    /// store cannot be opened (nothing is left running).
    /// </summary>
    public static async Task<IControlPlaneStore> OpenAsync(
        ControlPlaneStoreOptions options, TimeProvider? time, ILogger? logger, CancellationToken cancellationToken)
    {
        var store = Create(options, time, logger);
        try
        {
            await (store switch
            {
                EmbeddedControlPlaneStore embedded => embedded.InitializeAsync(cancellationToken),
                PostgresControlPlaneStore postgres => postgres.InitializeAsync(cancellationToken),
                _ => Task.CompletedTask,
            }).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
