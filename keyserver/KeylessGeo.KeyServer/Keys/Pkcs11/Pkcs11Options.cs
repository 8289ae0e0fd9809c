namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// Keys held in hardware security modules and reached through PKCS#11, bound from
/// <c>KeyServer:Pkcs11</c> (see docs/KEYS.md).
/// </summary>
public sealed record Pkcs11Options
{
    /// <summary>
    /// RFC 7512 <c>pkcs11:</c> URIs, each selecting one or more private keys on one or more tokens
    /// (for example <c>pkcs11:token=edge;object=www?module-name=softhsm2&amp;pin-source=file:/etc/keyserver/pin</c>).
    /// </summary>
    public IReadOnlyList<string> Uris { get; init; } = [];

    /// <summary>
    /// The most sessions open at once on one token, which bounds how many operations run on it
    /// concurrently; further requests wait (asynchronously) for a free session.
    /// </summary>
    public int MaxSessionsPerToken { get; init; } = 8;

    /// <summary>
    /// After a token cannot be opened (absent, PIN rejected, module failure), requests for its keys
    /// fail at once with <c>INTERNAL</c> for this long before the keyserver tries the token again.
    /// </summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);
}
