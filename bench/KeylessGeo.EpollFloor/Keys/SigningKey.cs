using System.Security.Cryptography;
using KeylessGeo.EpollFloor.Native;
using KeylessGeo.Native;

namespace KeylessGeo.EpollFloor.Keys;

/// <summary>
/// A private key read from a PEM file into an OpenSSL <c>EVP_PKEY</c>, shared read-only by every loop
/// (each loop signs through its own context, <see cref="KeyContexts"/>), with its SKI as the Keyless
/// protocol defines it. Key bytes never leave OpenSSL.
/// </summary>
internal sealed unsafe class SigningKey
{
    /// <summary>SHA-1 is 20 bytes: the SKI item's only valid length.</summary>
    public const int SkiLength = 20;

    private SigningKey(nint key, int type, byte[] ski)
    {
        Key = key;
        Type = type;
        Ski = ski;
    }

    /// <summary>The <c>EVP_PKEY</c>, alive for the process's life.</summary>
    public nint Key { get; }

    /// <summary><see cref="LibCrypto.KeyTypeEc"/> or <see cref="LibCrypto.KeyTypeRsa"/>.</summary>
    public int Type { get; }

    /// <summary>SHA-1 of the subjectPublicKey bit string's contents.</summary>
    public byte[] Ski { get; }

    /// <summary>Reads <paramref name="path"/>; null with a line in <paramref name="errors"/> when it is not a usable key.</summary>
    public static SigningKey? Load(string path, List<string> errors)
    {
        var bio = LibCrypto.BioNewFile(path, "r");
        if (bio == 0)
        {
            OpenSslErrors.Clear();
            errors.Add($"--sign-key {path}: cannot open the file");
            return null;
        }
        var key = LibCrypto.PemReadPrivateKey(bio, 0, 0, 0);
        LibCrypto.BioFree(bio);
        if (key == 0)
        {
            OpenSslErrors.Clear();
            errors.Add($"--sign-key {path}: not a PEM private key");
            return null;
        }
        var type = LibCrypto.KeyBaseId(key);
        if (type != LibCrypto.KeyTypeEc && type != LibCrypto.KeyTypeRsa)
        {
            errors.Add($"--sign-key {path}: only EC and RSA keys are served");
            return null;
        }
        var ski = ComputeSki(key);
        if (ski is null)
        {
            errors.Add($"--sign-key {path}: cannot compute the SKI: {OpenSslErrors.Drain()}");
            return null;
        }
        var signingKey = new SigningKey(key, type, ski);
        var check = signingKey.NewSignContext();
        if (check == 0 || !signingKey.SelfCheck(check))
        {
            errors.Add($"--sign-key {path}: cannot prepare a signing context: {OpenSslErrors.Drain()}");
            return null;
        }
        LibCrypto.ContextFree(check);
        return signingKey;
    }

    /// <summary>A context ready for <c>EVP_PKEY_sign</c> with SHA-256 (and PKCS#1 v1.5 for RSA); 0 when OpenSSL refused.</summary>
    public nint NewSignContext()
    {
        var context = LibCrypto.ContextFromKey(0, Key, 0);
        if (context != 0 && LibCrypto.SignInit(context) == 1 &&
            (Type != LibCrypto.KeyTypeRsa || LibCrypto.ContextSetRsaPadding(context, LibCrypto.RsaPkcs1Padding) == 1) &&
            LibCrypto.ContextSetSignatureDigest(context, LibCrypto.Sha256()) == 1)
        {
            return context;
        }
        LibCrypto.ContextFree(context);
        return 0;
    }

    private static byte[]? ComputeSki(nint key)
    {
        nint publicKey = 0;
        byte* bits;
        int bitsLength;
        try
        {
            return LibCrypto.PublicKeySet(&publicKey, key) == 1 &&
                   LibCrypto.PublicKeyParameters(null, &bits, &bitsLength, null, publicKey) == 1
                ? SHA1.HashData(new ReadOnlySpan<byte>(bits, bitsLength))
                : null;
        }
        finally
        {
            LibCrypto.PublicKeyFree(publicKey);
        }
    }

    /// <summary>Signs and verifies one digest, so a wrong set-up fails at start-up rather than under load.</summary>
    private bool SelfCheck(nint signContext)
    {
        byte* digest = stackalloc byte[32];
        new Span<byte>(digest, 32).Clear();
        digest[0] = 1;
        byte* signature = stackalloc byte[1024];
        nuint length = 1024;
        var verify = LibCrypto.ContextFromKey(0, Key, 0);
        try
        {
            return verify != 0 && LibCrypto.Sign(signContext, signature, &length, digest, 32) == 1 &&
                   LibCrypto.VerifyInit(verify) == 1 &&
                   (Type != LibCrypto.KeyTypeRsa || LibCrypto.ContextSetRsaPadding(verify, LibCrypto.RsaPkcs1Padding) == 1) &&
                   LibCrypto.ContextSetSignatureDigest(verify, LibCrypto.Sha256()) == 1 &&
                   LibCrypto.Verify(verify, signature, length, digest, 32) == 1;
        }
        finally
        {
            LibCrypto.ContextFree(verify);
        }
    }
}
