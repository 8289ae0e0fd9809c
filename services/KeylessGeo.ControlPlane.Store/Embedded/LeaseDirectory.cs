using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// <c>leases/</c>: one small JSON file per keyserver, replaced atomically on each renewal, so
/// frequent renewals never touch <c>state.json</c> and need no writer lock (each keyserver
/// writes only its own file). Renewals are not fsynced: a lease lost in a power failure is
/// renewed again within its period. An unreadable lease file is skipped, never fatal.
/// </summary>
internal sealed class LeaseDirectory
{
    /// <summary>The folder's name in the data directory.</summary>
    public const string DirectoryName = "leases";

    private const int MaxEncodedLength = 200;

    public LeaseDirectory(string dataDirectory) => Path = System.IO.Path.Combine(dataDirectory, DirectoryName);

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="lease"/> over the keyserver's previous lease.</summary>
    public Task WriteAsync(KeyserverLease lease, CancellationToken cancellationToken)
    {
        var content = JsonSerializer.SerializeToUtf8Bytes(lease, EmbeddedJsonContext.Default.KeyserverLease);
        return DurableFile.ReplaceAsync(FileFor(lease.KeyserverId), content, durable: false, cancellationToken);
    }

    /// <summary>Deletes the keyserver's lease file; false when there was none.</summary>
    public bool Remove(string keyserverId)
    {
        var path = FileFor(keyserverId);
        var existed = File.Exists(path);
        File.Delete(path);
        return existed;
    }

    /// <summary>Every readable lease on disk, live or not.</summary>
    public async Task<List<KeyserverLease>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var leases = new List<KeyserverLease>();
        foreach (var path in Directory.EnumerateFiles(Path, "*.json"))
        {
            try
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 4096, useAsync: true);
                var lease = await JsonSerializer.DeserializeAsync(stream, EmbeddedJsonContext.Default.KeyserverLease, cancellationToken).ConfigureAwait(false);
                if (lease is not null)
                {
                    leases.Add(lease);
                }
            }
            catch (Exception e) when (e is FileNotFoundException or JsonException)
            {
                // Removed since the listing, or damaged by a crash: the keyserver's next renewal rewrites it.
            }
        }

        return leases;
    }

    /// <summary>
    /// The lease file of <paramref name="keyserverId"/>: the id with every byte outside
    /// <c>[A-Za-z0-9_-]</c> percent-encoded (readable, and never <c>.</c>, <c>..</c> or a path),
    /// or a SHA-256 of the id when that would be too long for a file name.
    /// </summary>
    internal string FileFor(string keyserverId)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(keyserverId))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b == '_' || b == '-')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        var name = encoded.Length is > 0 and <= MaxEncodedLength
            ? encoded.ToString()
            : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(keyserverId)));
        return System.IO.Path.Combine(Path, name + ".json");
    }
}
