using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Keys;

/// <summary>
/// The keys loaded in this process, found from an OpenSSL key through its ex_data slot, which
/// holds a small number (index + 1) rather than a pointer: nothing to free, nothing to dangle when
/// OpenSSL copies a key with its ex_data. A key loaded again (an nginx reload) reuses its entry,
/// so the table grows only with distinct keys.
/// </summary>
internal static class RemoteKeys
{
    private static readonly Lock Gate = new();
    private static volatile RemoteKey[] _keys = [];
    private static int _rsaIndex = -1;
    private static int _ecIndex = -1;

    /// <summary>The RSA ex_data index of the engine.</summary>
    public static int RsaIndex => _rsaIndex >= 0 ? _rsaIndex : Allocate(ref _rsaIndex, OpenSslConstants.CryptoExIndexRsa);

    /// <summary>The EC_KEY ex_data index of the engine.</summary>
    public static int EcIndex => _ecIndex >= 0 ? _ecIndex : Allocate(ref _ecIndex, OpenSslConstants.CryptoExIndexEcKey);

    /// <summary>Adds <paramref name="key"/> (or finds its twin) and returns the ex_data value naming it.</summary>
    public static IntPtr Add(RemoteKey key)
    {
        lock (Gate)
        {
            var keys = _keys;
            for (var i = 0; i < keys.Length; i++)
            {
                if (keys[i].IsRsa == key.IsRsa && keys[i].Ski.AsSpan().SequenceEqual(key.Ski) && keys[i].Size == key.Size)
                {
                    return i + 1;
                }
            }

            _keys = [.. keys, key];
            return keys.Length + 1;
        }
    }

    /// <summary>The key an ex_data value names, or null for a key that is not the engine's.</summary>
    public static RemoteKey? Find(IntPtr value)
    {
        var keys = _keys;
        var index = (long)value - 1;
        return index >= 0 && index < keys.Length ? keys[index] : null;
    }

    private static int Allocate(ref int slot, int classIndex)
    {
        lock (Gate)
        {
            if (slot < 0)
            {
                slot = LibCrypto.CRYPTO_get_ex_new_index(classIndex, 0, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
            }

            return slot;
        }
    }
}
