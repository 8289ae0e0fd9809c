namespace KeylessGeo.KeyServer.Keys;

/// <summary>What the index needs from a SubjectPublicKeyInfo.</summary>
/// <param name="Algorithm">The algorithm bucket.</param>
/// <param name="KeySizeBits">Modulus bits (RSA), curve bits (EC) or 256 (Ed25519).</param>
/// <param name="ModulusBytes">RSA modulus length in bytes; 0 for other keys.</param>
/// <param name="Ski">SHA-1 of the subjectPublicKey bit string contents.</param>
/// <param name="CertDigest">RSA only: SHA-256 of the uppercase hex modulus.</param>
internal sealed record ParsedPublicKey(KeyAlgorithm Algorithm, int KeySizeBits, int ModulusBytes, byte[] Ski, byte[]? CertDigest);
