using Net.Pkcs11Interop.HighLevelAPI;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>A key object found on a token, with the public facts read from it.</summary>
internal sealed record Pkcs11FoundKey
{
    /// <summary>The private key object, or null when only the public key object could be read (the token refused the login).</summary>
    public IObjectHandle? Handle { get; init; }

    /// <summary>CKA_ID (may be empty).</summary>
    public required byte[] Id { get; init; }

    /// <summary>CKA_LABEL (may be empty).</summary>
    public required string Label { get; init; }

    /// <summary>The DER SubjectPublicKeyInfo built from the public attributes.</summary>
    public required byte[] SubjectPublicKeyInfo { get; init; }

    /// <summary>The DER certificate stored on the token under the same CKA_ID, if any.</summary>
    public byte[]? Certificate { get; init; }
}
