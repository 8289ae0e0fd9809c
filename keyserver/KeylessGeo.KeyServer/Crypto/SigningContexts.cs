using System.Security.Cryptography;

namespace KeylessGeo.KeyServer.Crypto;

/// <summary>
/// The signing context pools of one loaded key, one per <see cref="SignContextKind"/> the key is
/// used with, made on first use. Disposed with the key, when its last reference is released.
/// </summary>
internal sealed class SigningContexts : IDisposable
{
    private readonly SafeEvpPKeyHandle _key;
    private readonly SignContextPool?[] _pools = new SignContextPool?[SignContextSetup.KindCount];
    private readonly int _slots;
    private int _disposed;

    /// <param name="key">The key's OpenSSL handle; the owner disposes it after disposing this.</param>
    /// <param name="slots">Idle contexts kept per kind.</param>
    public SigningContexts(SafeEvpPKeyHandle key, int slots)
    {
        _key = key;
        _slots = slots;
    }

    /// <summary>Contexts made and not yet freed, over every kind.</summary>
    public int LiveContexts
    {
        get
        {
            var live = 0;
            foreach (var pool in _pools)
            {
                live += pool?.LiveContexts ?? 0;
            }

            return live;
        }
    }

    /// <summary>Signs with a context set up for <paramref name="kind"/>; returns the signature's length.</summary>
    /// <exception cref="CryptographicException">An OpenSSL call failed (named in the message).</exception>
    public int Sign(SignContextKind kind, ReadOnlySpan<byte> input, Span<byte> output) =>
        (Volatile.Read(ref _pools[(int)kind]) ?? AddPool(kind)).Sign(input, output);

    /// <summary>Frees every idle context; one in use is freed when its operation ends.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        foreach (var pool in _pools)
        {
            pool?.Dispose();
        }
    }

    private SignContextPool AddPool(SignContextKind kind)
    {
        var made = new SignContextPool(_key, kind, _slots);
        var pool = Interlocked.CompareExchange(ref _pools[(int)kind], made, null) ?? made;
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Added after Dispose ran over the pools: dispose it here so no context outlives the key.
            pool.Dispose();
        }

        return pool;
    }
}
