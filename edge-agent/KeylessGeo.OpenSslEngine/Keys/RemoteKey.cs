namespace KeylessGeo.OpenSslEngine.Keys;

/// <summary>
/// What the engine knows of a key held by a keyserver: how the Keyless protocol names it (the
/// SKI, and for RSA the certificate digest) and its public size. No private part exists here.
/// </summary>
internal sealed class RemoteKey
{
    public RemoteKey(bool isRsa, byte[] ski, byte[]? certificateDigest, int size, string certificatePath)
    {
        IsRsa = isRsa;
        Ski = ski;
        CertificateDigest = certificateDigest;
        Size = size;
        CertificatePath = certificatePath;
    }

    /// <summary>RSA (otherwise EC).</summary>
    public bool IsRsa { get; }

    /// <summary>SHA-1 of the subjectPublicKey bit string (Keyless tag 0x04).</summary>
    public byte[] Ski { get; }

    /// <summary>RSA only: SHA-256 of the modulus as uppercase hex (Keyless tag 0x01).</summary>
    public byte[]? CertificateDigest { get; }

    /// <summary>RSA: the modulus length; EC: the largest DER signature (<c>ECDSA_size</c>).</summary>
    public int Size { get; }

    /// <summary>The certificate the key was loaded from, for error messages.</summary>
    public string CertificatePath { get; }
}
