using KeylessGeo.EpollFloor.Native;
using KeylessGeo.Native;

namespace KeylessGeo.EpollFloor.Keys;

/// <summary>
/// One loop's signing contexts, one per key: an <c>EVP_PKEY_CTX</c> holds per-operation state, so
/// loops never share one. Looked up by SKI with a linear scan over at most a handful of keys, as the C
/// floor does.
/// </summary>
internal sealed unsafe class KeyContexts
{
    private readonly SigningKey[] _keys;
    private readonly nint[] _contexts;

    /// <summary>Makes a context for every key; throws when OpenSSL refuses one (start-up only).</summary>
    public KeyContexts(IReadOnlyList<SigningKey> keys)
    {
        _keys = [.. keys];
        _contexts = new nint[_keys.Length];
        for (var i = 0; i < _keys.Length; i++)
        {
            _contexts[i] = _keys[i].NewSignContext();
            if (_contexts[i] == 0)
            {
                throw new InvalidOperationException($"cannot make a signing context: {OpenSslErrors.Drain()}");
            }
        }
    }

    /// <summary>The index of the key whose SKI is <paramref name="ski"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> ski)
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            if (ski.SequenceEqual(_keys[i].Ski))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The OpenSSL key type of key <paramref name="index"/>.</summary>
    public int TypeOf(int index) => _keys[index].Type;

    /// <summary>
    /// Signs <paramref name="digestLength"/> bytes at <paramref name="digest"/> into
    /// <paramref name="signature"/> (room for <paramref name="capacity"/> bytes); the signature's length, or -1.
    /// </summary>
    public int Sign(int index, byte* digest, int digestLength, byte* signature, int capacity)
    {
        var length = (nuint)capacity;
        if (LibCrypto.Sign(_contexts[index], signature, &length, digest, (nuint)digestLength) != 1)
        {
            OpenSslErrors.Clear();
            return -1;
        }
        return (int)length;
    }
}
