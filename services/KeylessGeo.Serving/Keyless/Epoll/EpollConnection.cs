using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Native;
using KeylessGeo.Serving.Connections;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>
/// One Keyless connection on an epoll loop: its socket, its <c>SSL</c>, native input and output
/// buffers, and the Kestrel path's rules (<see cref="KeylessConnection"/>) on a state machine that
/// only its loop's thread runs. Requests go through the shared <see cref="KeylessRequestDispatcher"/>;
/// a reply the signing core gives at once is written on the loop straight away, one that comes later
/// arrives through the loop's queue (<see cref="OnSignCompleted"/>).
/// </summary>
/// <remarks>
/// Reading stops (the interest in EPOLLIN is dropped, so TCP backpressure reaches the client) while
/// <c>MaxInFlightPerConnection</c> requests are unwritten, while the connection's replies fill its
/// share of the response budget, and after an <c>OVERLOADED</c> until a signing worker frees up.
/// Replies a slow client has not taken wait in the output buffer; <c>WANT_WRITE</c> waits for EPOLLOUT.
/// A reply's slot and budget bytes are released when the output has been handed to the socket.
/// </remarks>
internal sealed unsafe partial class EpollConnection : IKeylessSignSink, IKeylessTimeouts
{
    private readonly EpollLoop _loop;
    private readonly EpollListenerContext _context;
    private readonly KeylessListenerServices _services;
    private readonly int _fd;
    private readonly nint _ssl;
    private readonly byte[] _remote;
    private readonly KeylessActivity _activity;
    private readonly CancellationTokenSource _aborted = new();
    private readonly CancellationTokenSource _pauses = new();
    private readonly Stack<KeylessPendingSign> _pool = new();
    private readonly EpollInput _input = new();
    private readonly EpollOutput _output = new();
    private readonly Action _postResume;
    private ResponseAccount? _account;
    private Phase _phase;
    private Pause _pause;
    private KeylessCloseReason _closeReason;
    private KeylessCloseReason? _enforced;
    private KeylessFraming? _framing;
    private string? _client;
    private string? _transportErrorType;
    private string? _transportErrorMessage;
    private uint _events;
    private bool _writeBlocked;
    private bool _counted;
    private bool _dirty;
    private bool _framingAnswered;
    private int _inFlight;
    private int _atCore;
    private int _abortPosted;
    private int _unflushedSlots;
    private long _unflushedCost;
    private long _requests;
    private long _overShareBytes;
    private long _fairShare;

    public EpollConnection(EpollLoop loop, EpollListenerContext context, int fd, nint ssl, byte[] remote)
    {
        _loop = loop;
        _context = context;
        _services = context.Services;
        _fd = fd;
        _ssl = ssl;
        _remote = remote;
        Id = context.NextConnectionId();
        var now = _services.Time.GetTimestamp();
        _activity = new KeylessActivity(now, _services.IdleTimeout, _services.PartialMessageTimeout);

        // The handshake is a message not yet complete: the partial-message timeout bounds it, as
        // Kestrel's handshake timeout bounds the other transport's.
        _activity.WaitingForRestOfMessage(now, 0, startedNow: true);
        _postResume = () => _loop.Post(EpollWork.Resume(this));
        _events = LibC.EpollIn;
    }

    private enum Phase
    {
        Handshake,
        Open,
        Draining,
        Closed,
    }

    private enum Pause
    {
        None,
        InFlightBound,
        ResponseBudget,
        Overloaded,
    }

    /// <summary>The connection's id in logs.</summary>
    public string Id { get; }

    /// <summary>The epoll data word that leads back to this connection (its slot in the loop's table).</summary>
    public ulong Token { get; private set; }

    /// <summary>Adds the socket to the loop's epoll set under <paramref name="token"/>; false (and the connection closed) when the kernel refused.</summary>
    public bool Register(ulong token)
    {
        Token = token;
        _context.Monitor.Add(this);
        if (EpollEvents.Control(_loop.Epoll, LibC.EpollCtlAdd, _fd, LibC.EpollIn, Token))
        {
            return true;
        }

        CloseQuietly();
        return false;
    }

    /// <summary>Runs the connection after epoll reported <paramref name="events"/> on its socket.</summary>
    public void Drive(uint events)
    {
        if (_phase == Phase.Closed)
        {
            return;
        }

        _writeBlocked = false;
        if (_phase == Phase.Handshake && !Handshake())
        {
            return;
        }

        Run(socketReadable: (events & LibC.EpollIn) != 0);
        if (_phase != Phase.Closed && (events & (LibC.EpollHup | LibC.EpollErr)) != 0 && (_events & LibC.EpollIn) == 0)
        {
            // Both directions are gone and nothing is left to read: nobody takes the answers.
            Fail("SocketError", "the connection was reset");
        }
    }

    /// <summary>Writes a reply the loop received from another thread (the connection flushes when the loop's queue is drained).</summary>
    public void Completed(KeylessPendingSign pending, in KeylessReply reply)
    {
        _pool.Push(pending);
        Interlocked.Decrement(ref _atCore);
        if (_phase == Phase.Closed)
        {
            reply.ReturnBuffer();
            return;
        }

        Append(reply);
        MarkDirty();
    }

    /// <summary>Called by the loop after its queue is drained: writes what <see cref="Completed"/> queued, closes a drained connection.</summary>
    public void FlushDirty()
    {
        _dirty = false;
        if (_phase != Phase.Closed)
        {
            Run(socketReadable: false);
        }
    }

    /// <summary>What a paused reader waited for happened (or the wait was cancelled): read again.</summary>
    public void Resume()
    {
        if (_phase == Phase.Open && _pause is Pause.ResponseBudget or Pause.Overloaded)
        {
            _pause = Pause.None;
            Run(socketReadable: false);
        }
    }

    /// <summary>The server is stopping: read no more, answer what was read, then close.</summary>
    public void Stop()
    {
        if (_phase == Phase.Handshake)
        {
            CloseQuietly();
        }
        else if (_phase == Phase.Open)
        {
            BeginDrain(KeylessCloseReason.ServerStopping);
            Run(socketReadable: false);
        }
    }

    /// <summary>Closes the connection at once to enforce <paramref name="reason"/> (on the loop).</summary>
    public void Abort(KeylessCloseReason reason)
    {
        if (_phase == Phase.Closed)
        {
            return;
        }

        if (_phase == Phase.Handshake)
        {
            // The handshake did not finish in time: not a Keyless connection yet, so no Keyless metric.
            EpollLog.HandshakeFailed(_context.Logger, Id, RemoteText(), "not completed within the partial-message timeout");
            CloseQuietly();
            return;
        }

        _enforced = reason;
        _services.Metrics.EnforcedClose(reason);
        Close(reason);
    }

    /// <inheritdoc />
    public void CheckTimeouts(long now)
    {
        if (_activity.Expired(now, Volatile.Read(ref _atCore) > 0) is { } expired && Interlocked.Exchange(ref _abortPosted, 1) == 0)
        {
            _loop.Post(EpollWork.Abort(this, expired));
        }
    }

    /// <inheritdoc />
    public void OnSignCompleted(KeylessPendingSign pending, uint id, KeylessOpcode opcode, SignRequest request, SignResponse? response, int cost) =>
        _loop.Post(EpollWork.Completed(this, pending, _services.Dispatcher.Complete(id, opcode, request, response, cost)));

    /// <summary>Closes the connection whatever it is doing (the loop is shutting down, or it failed unexpectedly).</summary>
    public void Kill(string reason)
    {
        if (_phase is Phase.Open or Phase.Draining)
        {
            Fail("ListenerStopped", reason);
        }
        else
        {
            CloseQuietly();
        }
    }

    private void MarkDirty()
    {
        if (!_dirty)
        {
            _dirty = true;
            _loop.MarkDirty(this);
        }
    }

    private string? RemoteText() => EpollPeer.RemoteEndPoint(_remote)?.ToString();
}
