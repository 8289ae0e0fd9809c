using System.Security.Cryptography;
using KeylessGeo.KeyServer.Crypto;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// A loaded, OpenSSL-backed private key. Reference counted: the cache holds one reference and
/// every operation in progress holds one, so eviction never frees a key while it is in use.
/// </summary>
internal sealed class PrivateKey
{
    private int _references = 1;

    private PrivateKey(IndexedKey key, RSAOpenSsl? rsa, ECDsaOpenSsl? ecdsa, SafeEvpPKeyHandle? evpKey, IDevicePrivateKey? device = null)
    {
        Key = key;
        Rsa = rsa;
        Ecdsa = ecdsa;
        EvpKey = evpKey;
        Device = device;
        if (evpKey is not null && (rsa is not null || ecdsa is not null))
        {
            Contexts = new SigningContexts(evpKey, SignContextPool.DefaultSlots);
        }
    }

    public IndexedKey Key { get; }

    /// <summary>The RSA key (RSA keys only).</summary>
    public RSAOpenSsl? Rsa { get; }

    /// <summary>The ECDSA key (ECDSA keys only).</summary>
    public ECDsaOpenSsl? Ecdsa { get; }

    /// <summary>The EVP_PKEY for libcrypto calls (RSA, ECDSA and Ed25519 keys).</summary>
    public SafeEvpPKeyHandle? EvpKey { get; }

    /// <summary>Initialised signing contexts reused across operations (RSA and ECDSA keys).</summary>
    public SigningContexts? Contexts { get; }

    /// <summary>A key held in a device (a PKCS#11 token), which performs its operations.</summary>
    public IDevicePrivateKey? Device { get; }

    public static PrivateKey ForDevice(IndexedKey key, IDevicePrivateKey device) => new(key, null, null, null, device);

    public static PrivateKey ForRsa(IndexedKey key, RSAOpenSsl rsa) => new(key, rsa, null, rsa.DuplicateKeyHandle());

    public static PrivateKey ForEcdsa(IndexedKey key, ECDsaOpenSsl ecdsa) => new(key, null, ecdsa, ecdsa.DuplicateKeyHandle());

    public static PrivateKey ForEd25519(IndexedKey key, SafeEvpPKeyHandle evpKey) => new(key, null, null, evpKey);

    /// <summary>Adds a reference unless the key was already released by its last holder.</summary>
    public bool TryAddReference()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Drops a reference; the last one frees the signing contexts and the OpenSSL key.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            // No operation holds the key any more (each holds a reference), so no context is in use.
            Contexts?.Dispose();
            Rsa?.Dispose();
            Ecdsa?.Dispose();
            EvpKey?.Dispose();
        }
    }
}
