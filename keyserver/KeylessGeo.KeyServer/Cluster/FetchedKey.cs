namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// What a keyserver fetches from the store when a managed key is first used, and the index does not
/// hold: the wrapped private key and the public key it must open to (ciphertext and public facts;
/// nothing here opens a key), with the version and digests that tie it to one index entry.
/// </summary>
/// <param name="KeyId">The key id.</param>
/// <param name="Version">The record's version.</param>
/// <param name="PolicyKeyGeneration">The policy key generation the private key is wrapped under.</param>
/// <param name="Digest">The digest of <paramref name="WrappedPrivateKey"/> (<see cref="ManagedKeyEntries.Digest(ReadOnlySpan{byte})"/>).</param>
/// <param name="PublicKeyDigest">The digest of <paramref name="SubjectPublicKeyInfo"/>.</param>
/// <param name="WrappedPrivateKey">The placement library's wrapped private-key blob.</param>
/// <param name="SubjectPublicKeyInfo">The DER public key the unwrapped private key must match.</param>
internal sealed record FetchedKey(
    string KeyId, int Version, int PolicyKeyGeneration, long Digest, long PublicKeyDigest, byte[] WrappedPrivateKey, byte[] SubjectPublicKeyInfo)
{
    /// <summary>Bytes held (both arrays).</summary>
    public int Size => WrappedPrivateKey.Length + SubjectPublicKeyInfo.Length;

    /// <summary>True when this is the record version <paramref name="facts"/> were decided on.</summary>
    public bool Matches(ManagedKeyFacts facts) =>
        Version == facts.Record.Version && PolicyKeyGeneration == facts.Record.PolicyKeyGeneration
        && Digest == facts.WrappedKeyDigest && PublicKeyDigest == facts.PublicKeyDigest;
}
