using KeylessGeo.ControlPlane.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Testing;

/// <summary>What a <see cref="KeyServerTestHost"/> runs with besides its key folder and TLS material.</summary>
public sealed record KeyServerTestHostOptions
{
    /// <summary>Settings that add to or override the defaults (for example <c>KeyServer:Id</c> or the <c>Cluster</c> section).</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }

    /// <summary>
    /// A control-plane store the keyserver uses instead of opening one (with
    /// <c>Cluster:Enabled</c>): several keyservers of one test can share an in-memory store.
    /// The test owns and disposes it.
    /// </summary>
    public IControlPlaneStore? Store { get; init; }

    /// <summary>Log providers that see every entry besides the host's error collector.</summary>
    public IReadOnlyList<ILoggerProvider> LoggerProviders { get; init; } = [];

    /// <summary>Registers or replaces services before the keyserver's own (which are added with TryAdd).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
