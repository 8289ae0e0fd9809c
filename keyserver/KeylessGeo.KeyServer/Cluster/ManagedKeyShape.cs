using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// What a managed key's public key says about the operations it takes (read once from the record's
/// SubjectPublicKeyInfo, which the index then drops), and why its public facts cannot be served, if so.
/// </summary>
/// <param name="Algorithm">The key's algorithm (a placeholder for a key whose public key cannot be parsed: its refusal answers every lookup).</param>
/// <param name="ModulusBytes">RSA: the modulus length in bytes; otherwise 0.</param>
/// <param name="KeySizeBits">The key size in bits.</param>
/// <param name="Problem">Why the recorded public facts cannot be served (unparsable, SKI or digest not the public key's); null when they can.</param>
internal readonly record struct ManagedKeyShape(KeyAlgorithm Algorithm, int ModulusBytes, int KeySizeBits, string? Problem)
{
    /// <summary>The shape an indexed entry was built with (its problem as its facts recorded it).</summary>
    public static ManagedKeyShape Of(IndexedKey key, string? problem) => new(key.Algorithm, key.ModulusBytes, key.KeySizeBits, problem);
}
