using System.Collections;

namespace KeylessGeo.Rpc.Metadata;

/// <summary>
/// Custom call metadata (request headers, response headers or trailers). Reserved names
/// (pseudo-headers, <c>grpc-*</c>, <c>content-type</c>, <c>te</c>) cannot be added.
/// </summary>
public sealed class RpcMetadata : IReadOnlyList<RpcMetadataEntry>
{
    private readonly List<RpcMetadataEntry> _entries = [];
    private readonly bool _readOnly;

    /// <summary>Creates an empty, writable collection.</summary>
    public RpcMetadata()
    {
    }

    private RpcMetadata(bool readOnly) => _readOnly = readOnly;

    /// <summary>An empty, read-only collection.</summary>
    public static RpcMetadata Empty { get; } = new(readOnly: true);

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <inheritdoc />
    public RpcMetadataEntry this[int index] => _entries[index];

    /// <summary>Adds a text entry; the key must not end in <c>-bin</c> and the value must be printable ASCII.</summary>
    public RpcMetadata Add(string key, string value)
    {
        var normalized = ValidateKey(key);
        if (RpcMetadataEntry.IsBinaryKey(normalized))
        {
            throw new ArgumentException($"Metadata key '{key}' ends in -bin; add a byte[] value instead.", nameof(key));
        }

        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                throw new ArgumentException($"Metadata value for '{key}' must be printable ASCII.", nameof(value));
            }
        }

        lock (_entries)
        {
            _entries.Add(new RpcMetadataEntry(normalized, value, null));
        }

        return this;
    }

    /// <summary>Adds a binary entry; the key must end in <c>-bin</c>.</summary>
    public RpcMetadata Add(string key, byte[] value)
    {
        var normalized = ValidateKey(key);
        if (!RpcMetadataEntry.IsBinaryKey(normalized))
        {
            throw new ArgumentException($"Binary metadata key '{key}' must end in -bin.", nameof(key));
        }

        ArgumentNullException.ThrowIfNull(value);
        lock (_entries)
        {
            _entries.Add(new RpcMetadataEntry(normalized, null, value));
        }

        return this;
    }

    /// <summary>The first entry with <paramref name="key"/>, or null.</summary>
    public RpcMetadataEntry? Get(string key)
    {
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>The first text value with <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key) => Get(key) is { IsBinary: false } entry ? entry.Value : null;

    /// <summary>The first binary value with <paramref name="key"/>, or null.</summary>
    public byte[]? GetValueBytes(string key) => Get(key) is { IsBinary: true } entry ? entry.ValueBytes : null;

    /// <inheritdoc />
    public IEnumerator<RpcMetadataEntry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>True for names the protocol owns, which never appear as custom metadata.</summary>
    internal static bool IsReserved(string key)
        => key.Length == 0
            || key[0] == ':'
            || key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase)
            || key.Equals("content-type", StringComparison.OrdinalIgnoreCase)
            || key.Equals("te", StringComparison.OrdinalIgnoreCase)
            || key.Equals("content-length", StringComparison.OrdinalIgnoreCase)
            || key.Equals("host", StringComparison.OrdinalIgnoreCase)
            || key.Equals("connection", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A read-only copy, taken under the same lock as <see cref="Add(string, string)"/>: the
    /// server sends copies so that a handler adding entries on another thread cannot break
    /// the enumeration.
    /// </summary>
    internal RpcMetadata Snapshot()
    {
        var copy = new RpcMetadata(readOnly: true);
        lock (_entries)
        {
            copy._entries.AddRange(_entries);
        }

        return copy;
    }

    /// <summary>Adds an entry received from the wire, decoding base64 for <c>-bin</c> keys; malformed base64 is dropped.</summary>
    internal void AddFromWire(string key, string value)
    {
        var normalized = key.ToLowerInvariant();
        if (!RpcMetadataEntry.IsBinaryKey(normalized))
        {
            _entries.Add(new RpcMetadataEntry(normalized, value, null));
            return;
        }

        if (TryDecodeBase64(value, out var bytes))
        {
            _entries.Add(new RpcMetadataEntry(normalized, null, bytes));
        }
    }

    private static bool TryDecodeBase64(string value, out byte[] bytes)
    {
        // gRPC implementations may send unpadded base64; restore the padding before decoding.
        var trimmed = value.Trim();
        var padding = (4 - (trimmed.Length % 4)) % 4;
        var padded = padding == 0 ? trimmed : trimmed + new string('=', padding);
        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private string ValidateKey(string key)
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("This metadata collection is read-only.");
        }

        ArgumentException.ThrowIfNullOrEmpty(key);
        var normalized = key.ToLowerInvariant();
        if (IsReserved(normalized))
        {
            throw new ArgumentException($"Metadata key '{key}' is reserved by the protocol.", nameof(key));
        }

        foreach (var c in normalized)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.';
            if (!ok)
            {
                throw new ArgumentException($"Metadata key '{key}' contains an invalid character '{c}'.", nameof(key));
            }
        }

        return normalized;
    }
}
