using KeylessGeo.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// This datacenter's wrapping key pair, loaded from <see cref="ClusterOptions.WrappingKeyPath"/>
/// (or generated there, mode 0600, on first start). The private half never leaves this process.
/// </summary>
internal sealed class LocalWrappingKey : IDisposable
{
    public LocalWrappingKey(IOptions<ClusterOptions> options, ILogger<LocalWrappingKey> logger)
    {
        Path = System.IO.Path.GetFullPath(options.Value.WrappingKeyPath);
        Key = DatacenterWrappingKey.LoadOrCreate(Path, out var created);
        Created = created;
        if (created)
        {
            ClusterLog.WrappingKeyCreated(logger, Path, Key.Fingerprint);
        }
        else
        {
            ClusterLog.WrappingKeyLoaded(logger, Path, Key.Fingerprint);
        }
    }

    /// <summary>The key file.</summary>
    public string Path { get; }

    /// <summary>The key pair; unwrapping with it is thread-safe.</summary>
    public DatacenterWrappingKey Key { get; }

    /// <summary>The public key's fingerprint (lowercase hex).</summary>
    public string Fingerprint => Key.Fingerprint;

    /// <summary>True when this start generated the key file.</summary>
    public bool Created { get; }

    public void Dispose() => Key.Dispose();
}
