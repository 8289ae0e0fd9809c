using System.Security.Cryptography;

namespace KeylessGeo.KeyServer.Crypto;

/// <summary>
/// Initialised signing contexts of one key and one <see cref="SignContextKind"/>, reused across
/// operations: creating and initialising an <c>EVP_PKEY_CTX</c> per call (what .NET's
/// <c>ECDsa.TrySignHash</c> does) costs about 3 µs of a ~20 µs ECDSA P-256 signature. A context
/// serves one thread at a time, so each operation takes one from a few slots without a lock
/// (<see cref="Interlocked.Exchange{T}(ref T, T)"/>), or makes one when every slot is empty, and
/// puts it back after; a context that finds no free slot is freed. Contexts are freed when the pool
/// is disposed (the key's last reference released: no operation holds the key any more).
/// </summary>
internal sealed unsafe class SignContextPool : IDisposable
{
    private readonly SafeEvpPKeyHandle _key;
    private readonly SignContextKind _kind;
    private readonly SafeEvpPKeyCtxHandle?[] _idle;
    private int _disposed;
    private int _live;

    /// <param name="key">The key; the caller keeps it alive while the pool is in use (each context also holds a reference of its own).</param>
    /// <param name="kind">What the contexts are initialised for.</param>
    /// <param name="slots">How many idle contexts are kept.</param>
    public SignContextPool(SafeEvpPKeyHandle key, SignContextKind kind, int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        _key = key;
        _kind = kind;
        _idle = new SafeEvpPKeyCtxHandle?[slots];
    }

    /// <summary>The default number of slots: one per core, enough for every thread that can sign at once.</summary>
    public static int DefaultSlots { get; } = Math.Clamp(Environment.ProcessorCount, 2, 16);

    /// <summary>Contexts made and not yet freed (idle or in use).</summary>
    public int LiveContexts => Volatile.Read(ref _live);

    /// <summary>Signs <paramref name="input"/> into <paramref name="output"/>; returns the signature's length.</summary>
    /// <exception cref="CryptographicException">An OpenSSL call failed (named in the message).</exception>
    public int Sign(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var ctx = Take();
        var signed = false;
        try
        {
            var length = (nuint)output.Length;
            fixed (byte* tbs = input)
            fixed (byte* sig = output)
            {
                OpenSslOperations.Check(LibCrypto.EVP_PKEY_sign(ctx, sig, ref length, tbs, (nuint)input.Length), "EVP_PKEY_sign");
            }

            signed = true;
            return (int)length;
        }
        finally
        {
            // A context whose call failed is not trusted again.
            if (signed)
            {
                Return(ctx);
            }
            else
            {
                Free(ctx);
            }
        }
    }

    /// <summary>Frees every idle context; a context still in use is freed when it comes back.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        FreeIdle();
    }

    private SafeEvpPKeyCtxHandle Take()
    {
        var idle = _idle;
        for (var i = 0; i < idle.Length; i++)
        {
            // Read first: an empty slot is skipped without writing to the shared cache line.
            if (Volatile.Read(ref idle[i]) is not null && Interlocked.Exchange(ref idle[i], null) is { } ctx)
            {
                return ctx;
            }
        }

        return Create();
    }

    private SafeEvpPKeyCtxHandle Create()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var ctx = OpenSslOperations.NewContext(_key);
        Interlocked.Increment(ref _live);
        try
        {
            SignContextSetup.Initialise(ctx, _kind);
            return ctx;
        }
        catch
        {
            Free(ctx);
            throw;
        }
    }

    private void Return(SafeEvpPKeyCtxHandle ctx)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            var idle = _idle;
            for (var i = 0; i < idle.Length; i++)
            {
                if (Interlocked.CompareExchange(ref idle[i], ctx, null) is null)
                {
                    // The exchange is a full fence: either Dispose's flag is seen here, or Dispose
                    // empties the slots after this context went in. Both free it exactly once.
                    if (Volatile.Read(ref _disposed) != 0)
                    {
                        FreeIdle();
                    }

                    return;
                }
            }
        }

        Free(ctx);
    }

    private void FreeIdle()
    {
        var idle = _idle;
        for (var i = 0; i < idle.Length; i++)
        {
            if (Interlocked.Exchange(ref idle[i], null) is { } ctx)
            {
                Free(ctx);
            }
        }
    }

    private void Free(SafeEvpPKeyCtxHandle ctx)
    {
        ctx.Dispose();
        Interlocked.Decrement(ref _live);
    }
}
