using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Native;
using KeylessGeo.Serving.Connections;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>The connection's stream: handshake, reading frames, writing replies, pausing, closing.</summary>
internal sealed unsafe partial class EpollConnection
{
    /// <summary>Finishes the TLS handshake and admits the client; false while it waits or when it was refused (closed).</summary>
    private bool Handshake()
    {
        var result = LibSsl.Accept(_ssl);
        if (result != 1)
        {
            var error = LibSsl.GetError(_ssl, result);
            if (error is LibSsl.ErrorWantRead or LibSsl.ErrorWantWrite)
            {
                Want(error == LibSsl.ErrorWantRead ? LibC.EpollIn : LibC.EpollOut);
                return false;
            }

            // Not TLS, no or an untrusted client certificate, no shared version or suite.
            var reason = OpenSslErrors.Drain();
            EpollLog.HandshakeFailed(_context.Logger, Id, RemoteText(), reason.Length > 0 ? reason : "the client closed the connection");
            CloseQuietly();
            return false;
        }

        var client = EpollPeer.Identity(_ssl);
        var refusal = _context.Counter.TryAcquire(client);
        if (refusal != ConnectionRefusal.None)
        {
            _context.RefusedLimit(RemoteText(), client, refusal);
            CloseQuietly();
            return false;
        }

        _client = client;
        _counted = true;
        _phase = Phase.Open;
        _account = _services.Budget.Open(OnOverShare);
        _context.State.Opened();
        _services.Metrics.ConnectionOpened();
        _activity.NoPartialMessage();
        _activity.Progressed(_services.Time.GetTimestamp());
        if (_context.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            KeylessLog.ConnectionOpened(_context.Logger, Id, RemoteText(), EpollPeer.Protocol(_ssl), EpollPeer.CipherSuite(_ssl), _client);
        }

        return true;
    }

    /// <summary>
    /// Runs the connection as far as its socket allows: writes what is queued, answers every whole
    /// frame read, reads more while reading is allowed, and sets its epoll interest. With read-ahead
    /// one read takes what the socket holds; it reads again without epoll only while OpenSSL still
    /// buffers records, so a request costs one read and no EAGAIN read.
    /// </summary>
    private void Run(bool socketReadable)
    {
        var mayRead = socketReadable || LibSsl.HasPending(_ssl) != 0;
        while (true)
        {
            if (_output.Length > 0 && !_writeBlocked && !Flush())
            {
                return;
            }

            if (_phase != Phase.Open || _pause != Pause.None || !AnswerFrames())
            {
                break;
            }

            if (!mayRead)
            {
                break;
            }

            _input.MakeRoom();
            System.Diagnostics.Debug.Assert(_input.FreeLength > 0, "a read with no room returns 0, which OpenSSL reports as a failed connection");
            var got = LibSsl.Read(_ssl, _input.Free, _input.FreeLength);
            if (got <= 0)
            {
                if (ReadFailed(got))
                {
                    continue;
                }

                if (_phase == Phase.Closed)
                {
                    return;
                }

                // The socket has no more for now (OpenSSL holds part of a record at most): what was
                // answered goes out, and epoll is asked for the rest, whatever the interest was before
                // (a resumed reader comes here with none).
                break;
            }

            _input.Advance(got);
            _activity.Progressed(_services.Time.GetTimestamp());
            mayRead = LibSsl.HasPending(_ssl) != 0;
        }

        if (_output.Length > 0 && !_writeBlocked && !Flush())
        {
            return;
        }

        if (_phase == Phase.Draining && Volatile.Read(ref _atCore) == 0)
        {
            // Every request read before a framing error is answered first; its own answer goes last.
            if (_framing is { } framing && !_framingAnswered)
            {
                _framingAnswered = true;
                Append(KeylessReply.Failure(framing.Id, KeylessErrorMap.ForFraming(framing.Status), cost: 0, holdsSlot: false));
                if (!_writeBlocked && !Flush())
                {
                    return;
                }
            }

            if (_output.Length == 0)
            {
                Close(_closeReason);
                return;
            }
        }

        Want((_phase == Phase.Open && _pause == Pause.None ? LibC.EpollIn : 0) | (_writeBlocked ? LibC.EpollOut : 0));
    }

    /// <summary>
    /// Answers every whole frame read; false when reading must pause or stop. True only when no whole
    /// frame is left unanswered, so the read that follows has room: a full input buffer read into with
    /// a length of 0 makes <c>SSL_read</c> return 0, which OpenSSL reports as a connection that failed.
    /// </summary>
    private bool AnswerFrames()
    {
        var frames = 0;
        var waitsForData = false;
        while (_input.Length > 0)
        {
            if (_inFlight >= _services.MaxInFlightPerConnection)
            {
                _pause = Pause.InFlightBound;
                break;
            }

            var buffer = _input.Unread;
            var status = KeylessFrameReader.TryReadFrame(ref buffer, _services.MaxBodyLength, out var frame);
            if (status == KeylessFrameStatus.Incomplete)
            {
                waitsForData = true;
                break;
            }

            if (status != KeylessFrameStatus.Frame)
            {
                _framing = new KeylessFraming(status, frame.Id, frame.MajorVersion, frame.BodyLength);
                _services.Metrics.FramingError(status);
                BeginDrain(KeylessCloseReason.FramingError);
                return false;
            }

            // A response is never larger than its request counted whole (a ping's echo is its payload).
            var cost = KeylessHeader.Size + frame.BodyLength;
            var refusal = _account!.TryReserve(cost);
            if (refusal != ResponseReservation.Reserved)
            {
                if (PauseFor(Pause.ResponseBudget, _account.WaitForRoomAsync(cost, refusal, _pauses.Token)))
                {
                    break;
                }

                // Room was given back meanwhile: reserve for this frame again.
                continue;
            }

            frames++;
            _requests++;
            _inFlight++;
            var dispatch = _services.Dispatcher.Start(frame, cost, _aborted.Token);
            _input.Consume(_input.Length - (int)buffer.Length);
            if (dispatch.IsPending)
            {
                Interlocked.Increment(ref _atCore);
                var pending = _pool.TryPop(out var pooled) ? pooled : new KeylessPendingSign();
                pending.Start(this, frame.Id, dispatch.Opcode, dispatch.Request!, cost, dispatch.Response);
                continue;
            }

            Append(dispatch.Reply);

            // Read no further until a worker frees up: a flooding client meets TCP backpressure. When
            // one is free already, the frames read go on being answered.
            if (dispatch.Overloaded && PauseFor(Pause.Overloaded, _services.Signing.WhenCapacityFreesAsync(_pauses.Token)))
            {
                break;
            }
        }

        if (waitsForData)
        {
            _activity.WaitingForRestOfMessage(_services.Time.GetTimestamp(), _input.Length, startedNow: frames > 0);
        }
        else
        {
            _activity.NoPartialMessage();
        }

        return _pause == Pause.None;
    }

    /// <summary>After <c>SSL_read</c> returned <paramref name="result"/> ≤ 0: true to go on (the client closed), false to wait for the socket or when closed.</summary>
    private bool ReadFailed(int result)
    {
        switch (LibSsl.GetError(_ssl, result))
        {
            case LibSsl.ErrorWantRead:
                return false;
            case LibSsl.ErrorWantWrite:
                _writeBlocked = true;
                return false;
            case LibSsl.ErrorZeroReturn:
                // The client closed its side: answer what was read, then close.
                OpenSslErrors.Clear();
                BeginDrain(KeylessCloseReason.ClientClosed);
                return true;
            default:
                var reason = OpenSslErrors.Drain();
                Fail("TlsReadFailed", reason.Length > 0 ? reason : "the connection was reset");
                return false;
        }
    }

    /// <summary>Hands the queued replies to OpenSSL; false when the connection failed (closed).</summary>
    private bool Flush()
    {
        while (_output.Length > 0)
        {
            var written = LibSsl.Write(_ssl, _output.Unsent, _output.Length);
            if (written > 0)
            {
                _output.Consume(written);
                continue;
            }

            var error = LibSsl.GetError(_ssl, written);
            if (error is LibSsl.ErrorWantWrite or LibSsl.ErrorWantRead)
            {
                _writeBlocked = true;
                return true;
            }

            var reason = OpenSslErrors.Drain();
            Fail("TlsWriteFailed", reason.Length > 0 ? reason : "the connection was reset");
            return false;
        }

        // Every reply is with the socket: their slots and budget bytes are free, and the client is reading.
        _account?.Release(_unflushedCost);
        _inFlight -= _unflushedSlots;
        _unflushedCost = 0;
        _unflushedSlots = 0;
        _activity.Progressed(_services.Time.GetTimestamp());
        if (_pause == Pause.InFlightBound && _inFlight < _services.MaxInFlightPerConnection)
        {
            _pause = Pause.None;
        }

        return true;
    }

    private void Append(in KeylessReply reply)
    {
        reply.WriteTo(_output);

        reply.ReturnBuffer();
        _unflushedCost += reply.Cost;
        _unflushedSlots += reply.HoldsSlot ? 1 : 0;
    }

    /// <summary>
    /// Stops reading until <paramref name="wait"/> ends (its end resumes the connection through the loop's
    /// queue); false, without pausing, when what it waits for has happened already.
    /// </summary>
    private bool PauseFor(Pause pause, Task wait)
    {
        if (wait.IsCompletedSuccessfully)
        {
            return false;
        }

        // A wait already cancelled or failed still pauses: its continuation runs at once and resumes.
        _pause = pause;
        wait.GetAwaiter().UnsafeOnCompleted(_postResume);
        return true;
    }

    private void BeginDrain(KeylessCloseReason reason)
    {
        _phase = Phase.Draining;
        _closeReason = reason;
        _pauses.Cancel();
    }

    /// <summary>Called by the response budget's sweeper: the connection held more than its share for the grace period.</summary>
    private void OnOverShare(long bytes, long share)
    {
        Volatile.Write(ref _overShareBytes, bytes);
        Volatile.Write(ref _fairShare, share);
        if (Interlocked.Exchange(ref _abortPosted, 1) == 0)
        {
            _loop.Post(EpollWork.Abort(this, KeylessCloseReason.ResponseBudget));
        }
    }

    /// <summary>The transport failed (reset, TLS error): nobody takes the answers, so queued work is abandoned.</summary>
    private void Fail(string type, string message)
    {
        _transportErrorType = type;
        _transportErrorMessage = message;
        Close(KeylessCloseReason.TransportFailed);
    }

    private void Want(uint events)
    {
        if (_events != events)
        {
            EpollEvents.Control(_loop.Epoll, LibC.EpollCtlMod, _fd, events, Token);
            _events = events;
        }
    }

    /// <summary>Closes an admitted connection: resources, counts, metrics, the close log.</summary>
    private void Close(KeylessCloseReason reason)
    {
        if (_phase == Phase.Closed)
        {
            return;
        }

        var graceful = reason is KeylessCloseReason.ClientClosed or KeylessCloseReason.ServerStopping or KeylessCloseReason.FramingError;
        Release(graceful);
        _account?.Dispose();

        // Logged before the connection stops counting, as on Kestrel: whoever waits for the count sees the log.
        _context.CloseLog.Closed(
            Id,
            RemoteText(),
            _client,
            reason,
            new KeylessCloseDetails(
                _requests, _framing, _enforced, _transportErrorType, _transportErrorMessage, _activity.PartialBytes,
                Volatile.Read(ref _overShareBytes), Volatile.Read(ref _fairShare)));
        _services.Metrics.ConnectionClosed();
        _context.State.Closed();
        _context.ConnectionEnded();
    }

    /// <summary>Closes a connection that never became a Keyless connection (handshake refused or timed out, limits).</summary>
    private void CloseQuietly()
    {
        if (_phase == Phase.Closed)
        {
            return;
        }

        Release(graceful: false);
        _context.ConnectionEnded();
    }

    private void Release(bool graceful)
    {
        _phase = Phase.Closed;
        _aborted.Cancel();
        _pauses.Cancel();
        if (graceful)
        {
            // close_notify, best effort: the socket is non-blocking and closed right after.
            LibSsl.Shutdown(_ssl);
        }

        OpenSslErrors.Clear();
        LibSsl.Free(_ssl);

        // Out of the epoll set before close: a child process forked meanwhile may hold a copy of the
        // descriptor, and the registration lives as long as any copy does.
        EpollEvents.Control(_loop.Epoll, LibC.EpollCtlDel, _fd, 0, 0);
        LibC.Close(_fd);
        _input.Dispose();
        _output.Dispose();
        _loop.Remove(Token);
        _context.Monitor.Remove(this);
        _context.Descriptors.Release();
        if (_counted)
        {
            _context.Counter.Release(_client);
        }
    }
}
