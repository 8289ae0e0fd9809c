namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// What a keyserver fetches from the store when a managed key is first used, and the index does not
/// hold: the wrapped private key and the public key it must open to (ciphertext and public facts;
/// nothing here opens a key), with the version and digests that tie it to one index entry.
/// </summary>
/// <param name="KeyId">The key id.</param>
/// <param name="Version">The record's version.</param>
/// <param name="PolicyKeyGeneration">The policy key generation the private key is wrapped under.</param>
/// <param name="ContentDigest">
/// The short content digest (<see cref="ManagedKeyEntries.ShortDigest"/>) computed here from the fetched
/// record's wrapped key, public key and certificate, not taken from the store's record.
/// </param>
/// <param name="WrappedPrivateKey">The placement library's wrapped private-key blob.</param>
/// <param name="SubjectPublicKeyInfo">The DER public key the unwrapped private key must match.</param>
internal sealed record FetchedKey(
    string KeyId, int Version, int PolicyKeyGeneration, long ContentDigest, byte[] WrappedPrivateKey, byte[] SubjectPublicKeyInfo)
{
    /// <summary>Bytes held (both arrays).</summary>
    public int Size => WrappedPrivateKey.Length + SubjectPublicKeyInfo.Length;

    /// <summary>
    /// True when this is the record version <paramref name="facts"/> were decided on: same version,
    /// policy key generation and content (a blob re-wrapped under the same version is another content).
    /// </summary>
    public bool Matches(ManagedKeyFacts facts) =>
        Version == facts.Record.Version && PolicyKeyGeneration == facts.Record.PolicyKeyGeneration && ContentDigest == facts.ContentDigest;
}
