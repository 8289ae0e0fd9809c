using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>The outcome of a key lookup: the key, or an error code with its message.</summary>
internal readonly struct KeyLookupResult
{
    private KeyLookupResult(IndexedKey? key, ErrorCode error, string? message, IndexedKey? refused = null)
    {
        Key = key;
        Error = error;
        Message = message;
        RefusedKey = refused;
    }

    public IndexedKey? Key { get; }

    /// <summary>The key that matched but is refused here (a cluster routes such a request elsewhere); null otherwise.</summary>
    public IndexedKey? RefusedKey { get; }

    public ErrorCode Error { get; }

    public string? Message { get; }

    public static KeyLookupResult Found(IndexedKey key) => new(key, ErrorCode.Unspecified, null);

    public static KeyLookupResult NotFound { get; } = new(null, ErrorCode.KeyNotFound, "no key matches the key reference");

    public static KeyLookupResult BadRequest(string message) => new(null, ErrorCode.BadRequest, message);

    /// <summary>A key that exists but may not or cannot be used here (see <see cref="IndexedKey.RefusalMessage"/>).</summary>
    public static KeyLookupResult Refused(IndexedKey key, ErrorCode code, string message) => new(null, code, message, key);

    /// <summary>A transient failure: the lookup cannot be answered definitively right now.</summary>
    public static KeyLookupResult Unavailable(string message) => new(null, ErrorCode.Internal, message);
}
