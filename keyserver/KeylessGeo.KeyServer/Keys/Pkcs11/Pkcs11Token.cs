using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// One token and its pool of sessions. The token is logged in once (login state is shared by
/// all of the application's sessions on it); at most <see cref="Pkcs11Options.MaxSessionsPerToken"/>
/// sessions are open, and callers wait for one asynchronously (<see cref="WaitAsync"/>) before
/// their operation is queued for a worker, so a worker always finds a session idle or may open
/// one. A token-level failure closes every session and bumps <see cref="Epoch"/>: the next use
/// finds the token's slot again, opens a session and logs in, so the token recovers by itself
/// once it is back. After a failure to open, uses fail at once for
/// <see cref="Pkcs11Options.RetryInterval"/>. A PIN the token rejected is never offered again
/// unchanged (a token may lock after a few wrong PINs); the PIN source is read at every attempt,
/// so correcting it is enough.
/// </summary>
internal sealed class Pkcs11Token : IDisposable
{
    private readonly Pkcs11Module _module;
    private readonly Pkcs11PinSource? _pin;
    private readonly SemaphoreSlim _permits;
    private readonly ConcurrentBag<Pkcs11PooledSession> _idle = [];
    private readonly Lock _openLock = new();
    private readonly TimeSpan _retryInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private ISlot? _slot;
    private bool _loggedIn;
    private int _open;
    private long _epoch;
    private string? _failure;
    private long _failedAt;
    private readonly byte[] _pinTag = RandomNumberGenerator.GetBytes(32);
    private byte[]? _offeredPin;
    private byte[]? _rejectedPin;
    private bool _disposed;

    public Pkcs11Token(Pkcs11Module module, Pkcs11TokenIdentity identity, Pkcs11PinSource? pin, Pkcs11Options options, TimeProvider time, ILogger logger)
    {
        _module = module;
        Identity = identity;
        _pin = pin;
        _permits = new SemaphoreSlim(options.MaxSessionsPerToken, options.MaxSessionsPerToken);
        _retryInterval = options.RetryInterval;
        _time = time;
        _logger = logger;
    }

    public Pkcs11TokenIdentity Identity { get; }

    /// <summary>Incremented each time the token is reset: object handles found before are no longer trusted.</summary>
    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>
    /// Waits without blocking for the right to use one session; the permit is disposed after the
    /// operation. Throws <see cref="TimeoutException"/> when <paramref name="timeout"/> passes first.
    /// </summary>
    public ValueTask<IDisposable?> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_permits.Wait(0, CancellationToken.None))
        {
            return new ValueTask<IDisposable?>(new Pkcs11SessionPermit(_permits));
        }

        return timeout <= TimeSpan.Zero
            ? ValueTask.FromException<IDisposable?>(new TimeoutException())
            : WaitSlowAsync(timeout, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> with a session (on the calling worker: PKCS#11 calls
    /// block). The caller holds a permit from <see cref="WaitAsync"/>. A <see cref="Pkcs11Exception"/>
    /// from the operation is rethrown after the session's fate is settled; failing to open the
    /// token throws <see cref="Pkcs11TokenException"/>.
    /// </summary>
    public T Run<T>(Func<ISession, T> operation)
    {
        var pooled = Rent();
        T result;
        try
        {
            result = operation(pooled.Session);
        }
        catch (Pkcs11Exception e) when (Pkcs11ReturnValues.IsInputRejected(e.RV) || Pkcs11ReturnValues.IsStaleHandle(e.RV))
        {
            Return(pooled);
            throw;
        }
        catch (Exception e) when (e is CryptographicException or Pkcs11TokenException)
        {
            // The request's input was refused (a ciphertext that does not decrypt), or its key is
            // no longer on the token: the session itself is fine.
            Return(pooled);
            throw;
        }
        catch (Pkcs11Exception e)
        {
            Discard(pooled, e.RV);
            throw;
        }
        catch
        {
            Discard(pooled, null);
            throw;
        }

        Return(pooled);
        return result;
    }

    /// <summary>
    /// Runs <paramref name="operation"/> from a reload (not a worker): waits, blocking this
    /// background thread at most <paramref name="timeout"/>, for a permit first.
    /// </summary>
    public T RunForReload<T>(TimeSpan timeout, Func<ISession, T> operation)
    {
        if (!_permits.Wait(timeout))
        {
            throw new Pkcs11TokenException($"{Identity} had no free session for {timeout.TotalSeconds:F0} s");
        }

        try
        {
            return Run(operation);
        }
        finally
        {
            _permits.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="operation"/> in a fresh session that is not logged in (public objects
    /// only), closed afterwards: used to learn the identity of keys whose token rejects the login.
    /// </summary>
    public T RunWithoutLogin<T>(Func<ISession, T> operation)
    {
        var slot = FindSlot() ?? throw new Pkcs11TokenException($"{Identity} is not present");
        using var session = slot.OpenSession(SessionType.ReadOnly);
        return operation(session);
    }

    /// <summary>Forgets the retry delay, so the next use tries the token at once (a reload calls this).</summary>
    public void AllowRetry()
    {
        lock (_openLock)
        {
            _failure = null;
        }
    }

    public void Dispose()
    {
        lock (_openLock)
        {
            _disposed = true;
            CloseAll();
        }
    }

    private async ValueTask<IDisposable?> WaitSlowAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!await _permits.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException();
        }

        return new Pkcs11SessionPermit(_permits);
    }

    private Pkcs11PooledSession Rent()
    {
        var epoch = Epoch;
        while (_idle.TryTake(out var pooled))
        {
            if (pooled.Epoch == epoch)
            {
                return pooled;
            }

            Close(pooled);
        }

        return Open();
    }

    private void Return(Pkcs11PooledSession pooled)
    {
        if (pooled.Epoch == Epoch && !Volatile.Read(ref _disposed))
        {
            _idle.Add(pooled);
        }
        else
        {
            Close(pooled);
        }
    }

    private void Discard(Pkcs11PooledSession pooled, CKR? rv)
    {
        Close(pooled);
        if (rv is { } code && Pkcs11ReturnValues.IsTokenLost(code))
        {
            Reset(pooled.Epoch, code);
        }
    }

    private Pkcs11PooledSession Open()
    {
        lock (_openLock)
        {
            ObjectDisposedException.ThrowIf(_disposed || _module.IsClosed, this);
            if (_failure is not null && _time.GetElapsedTime(_failedAt) < _retryInterval)
            {
                throw new Pkcs11TokenException($"{Identity} is unavailable: {_failure}");
            }

            ISession? session = null;
            try
            {
                _slot ??= FindSlot() ?? throw new Pkcs11TokenException($"{Identity} is not present");
                session = _slot.OpenSession(SessionType.ReadOnly);
                _open++;
                if (!_loggedIn)
                {
                    Login(session);
                    _loggedIn = true;
                    Pkcs11Log.TokenLoggedIn(_logger, Identity.ToString());
                }

                _failure = null;
                return new Pkcs11PooledSession(session, _epoch);
            }
            catch (Exception e) when (e is Pkcs11Exception or Pkcs11TokenException or Pkcs11PinException)
            {
                if (session is not null)
                {
                    CloseQuietly(session);
                    _open--;
                }

                _slot = null;
                _failedAt = _time.GetTimestamp();
                _failure = e switch
                {
                    Pkcs11Exception p => $"{p.Method} returned {p.RV}",
                    _ => e.Message,
                };
                if (e is Pkcs11Exception { RV: var rv } && Pkcs11ReturnValues.IsPinRejected(rv))
                {
                    _rejectedPin = _offeredPin;
                }

                Pkcs11Log.TokenOpenFailed(_logger, Identity.ToString(), _failure);
                throw e as Pkcs11TokenException ?? new Pkcs11TokenException($"{Identity} cannot be opened: {_failure}", e);
            }
        }
    }

    private void Login(ISession session)
    {
        if (_pin is null)
        {
            return;
        }

        var pin = _pin.Read();
        try
        {
            // Only a keyed digest of the PIN is kept, to recognise a PIN the token refused.
            var tag = HMACSHA256.HashData(_pinTag, pin);
            if (_rejectedPin is not null && CryptographicOperations.FixedTimeEquals(tag, _rejectedPin))
            {
                throw new Pkcs11TokenException($"{Identity}: the PIN from {_pin.Description} was rejected and has not changed; it is not offered again");
            }

            _offeredPin = tag;
            session.Login(CKU.CKU_USER, pin);
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Another user of the module in this process logged the token in already.
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pin);
        }
    }

    private ISlot? FindSlot()
    {
        foreach (var slot in _module.Library.GetSlotList(SlotsType.WithTokenPresent))
        {
            if (Identity.Matches(slot.GetTokenInfo()))
            {
                return slot;
            }
        }

        return null;
    }

    private void Reset(long epoch, CKR rv)
    {
        lock (_openLock)
        {
            if (_epoch != epoch)
            {
                return;
            }

            _epoch++;
            Pkcs11Log.TokenReset(_logger, Identity.ToString(), rv.ToString());
            CloseAll();
        }
    }

    /// <summary>Closes every session (also logging the token out); the next use opens and logs in again. Caller holds the lock.</summary>
    private void CloseAll()
    {
        while (_idle.TryTake(out var pooled))
        {
            CloseQuietly(pooled.Session);
        }

        if (_slot is not null && !_module.IsClosed)
        {
            try
            {
                _slot.CloseAllSessions();
            }
            catch (Pkcs11Exception)
            {
                // The token is gone already; its sessions went with it.
            }
        }

        _slot = null;
        _open = 0;
        _loggedIn = false;
    }

    private void Close(Pkcs11PooledSession pooled)
    {
        lock (_openLock)
        {
            if (pooled.Epoch != _epoch)
            {
                // Closed already by the reset that ended its epoch.
                return;
            }

            CloseQuietly(pooled.Session);
            if (--_open <= 0)
            {
                // The last session closed logs the application out of the token.
                _open = 0;
                _loggedIn = false;
            }
        }
    }

    private void CloseQuietly(ISession session)
    {
        if (_module.IsClosed)
        {
            return;
        }

        try
        {
            session.CloseSession();
        }
        catch (Pkcs11Exception)
        {
            // A broken session may refuse to close; it is dropped either way.
        }
    }
}
