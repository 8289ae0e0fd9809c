using System.IO.Pipelines;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Connections;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// One Keyless connection: reads frames, answers pings and malformed requests at once, hands
/// private-key operations to the signing core, and writes responses in completion order
/// through <see cref="KeylessResponseWriter"/>.
/// </summary>
/// <remarks>
/// Reading pauses (so TCP backpressure reaches the client) while the connection has
/// <c>MaxInFlightPerConnection</c> requests unanswered, while its responses fill its share of
/// the <see cref="ResponseBudget"/>, and after a request is answered <c>OVERLOADED</c> until a
/// signing worker frees up. A per-request error never ends the connection; a framing error
/// does, after every request read before it has been answered. <see cref="Abort"/> ends it at
/// once (timeouts, the response budget), abandoning what is queued.
/// </remarks>
internal sealed class KeylessConnection : IKeylessSignSink, IKeylessTimeouts, IDisposable
{
    private readonly IDuplexPipe _transport;
    private readonly KeylessListenerServices _services;
    private readonly Action<string> _abortTransport;
    private readonly KeylessResponseWriter _writer;
    private readonly ResponseAccount _account;
    private readonly KeylessActivity _activity;
    private readonly CancellationTokenSource _aborted = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _pauses;
    private readonly KeylessPendingRequests _pending = new();
    private readonly Stack<KeylessPendingSign> _pool = new();
    private readonly Lock _poolLock = new();
    private long _requests;
    private long _buffered;
    private int _enforced;
    private int _finished;

    /// <param name="transport">The decrypted duplex stream.</param>
    /// <param name="services">What the listener's connections share.</param>
    /// <param name="abortTransport">Closes the transport at once (Kestrel's <c>ConnectionContext.Abort</c>); must not block.</param>
    /// <remarks>
    /// Kestrel's <c>ConnectionClosed</c> is not used to abandon work: it fires when the client
    /// half-closes (FIN), and a client may do that and still read its answers. A reset shows as
    /// a failed read or write instead, and that abandons what is still queued.
    /// </remarks>
    public KeylessConnection(IDuplexPipe transport, KeylessListenerServices services, Action<string> abortTransport)
    {
        _transport = transport;
        _services = services;
        _abortTransport = abortTransport;
        _pauses = CancellationTokenSource.CreateLinkedTokenSource(_aborted.Token, _stopping.Token);
        _activity = new KeylessActivity(services.Time.GetTimestamp(), services.IdleTimeout, services.PartialMessageTimeout);
        _account = services.Budget.Open((bytes, share) =>
        {
            OverShareBytes = bytes;
            FairShare = share;
            Abort(KeylessCloseReason.ResponseBudget);
        });
        _writer = new KeylessResponseWriter(transport.Output, services.MaxInFlightPerConnection, OnOutputBroken, _account, OnFlushed);
    }

    /// <summary>Requests read so far (framing errors excluded).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>The framing error that closed the connection, if one did.</summary>
    public KeylessFraming? FramingError { get; private set; }

    /// <summary>The transport error that ended the connection, if one did (logged, never sent).</summary>
    public Exception? TransportError { get; private set; }

    /// <summary>The limit <see cref="Abort"/> enforced, if it was called.</summary>
    public KeylessCloseReason? EnforcedClose => Volatile.Read(ref _enforced) is var value and > 0 ? (KeylessCloseReason)(value - 1) : null;

    /// <summary>Bytes of the incomplete message when the partial-message timeout closed the connection.</summary>
    public long PartialBytes => _activity.PartialBytes;

    /// <summary>Bytes of responses it held when the response budget closed it.</summary>
    public long OverShareBytes { get; private set; }

    /// <summary>Its fair share of the response budget when the budget closed it.</summary>
    public long FairShare { get; private set; }

    /// <summary>Bytes of responses queued and not yet written now.</summary>
    public long QueuedResponseBytes => _account.Bytes;

    /// <summary>Requests waiting for the signing core now.</summary>
    internal int RequestsAtCore => _pending.AtCore;

    /// <summary>Whether the reader waits for room in the spent response budget now.</summary>
    internal bool WaitsForResponseBudget => _account.WaitingForBudget;

    /// <summary>
    /// Serves the connection until the client closes it, a framing error, a transport failure,
    /// <see cref="Stop"/> or <see cref="Abort"/>. Every request read is answered (or, with the
    /// transport gone, abandoned) before this completes; it does not throw for transport failures.
    /// </summary>
    public async Task<KeylessCloseReason> RunAsync()
    {
        var reason = KeylessCloseReason.TransportFailed;
        try
        {
            reason = await ReadAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            TransportError ??= e;
            await _aborted.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            // Every request read gets its reply queued (or is cancelled) before the output closes.
            await _pending.DrainAsync().ConfigureAwait(false);
            if (FramingError is { } framing)
            {
                _writer.Enqueue(KeylessReply.Failure(framing.Id, KeylessErrorMap.ForFraming(framing.Status), cost: 0, holdsSlot: false));
            }

            await _writer.CloseAsync().ConfigureAwait(false);
            await _transport.Input.CompleteAsync().ConfigureAwait(false);
            Volatile.Write(ref _finished, 1);
        }

        if (EnforcedClose is { } enforced)
        {
            return enforced;
        }

        return _writer.IsBroken && reason != KeylessCloseReason.FramingError ? KeylessCloseReason.TransportFailed : reason;
    }

    /// <summary>Stops reading (the server is stopping): what was read is answered, then the connection closes.</summary>
    public void Stop()
    {
        if (Volatile.Read(ref _finished) != 0)
        {
            return;
        }

        try
        {
            _stopping.Cancel();
            _transport.Input.CancelPendingRead();
        }
        catch (ObjectDisposedException)
        {
            // Finished meanwhile.
        }
    }

    /// <summary>
    /// Closes the connection at once to enforce <paramref name="reason"/>: the transport is
    /// aborted and queued work abandoned. Only the first call acts; safe from any thread.
    /// </summary>
    public void Abort(KeylessCloseReason reason)
    {
        if (Volatile.Read(ref _finished) != 0 || Interlocked.CompareExchange(ref _enforced, (int)reason + 1, 0) != 0)
        {
            return;
        }

        _services.Metrics.EnforcedClose(reason);
        try
        {
            _abortTransport(Describe(reason));
            _ = _aborted.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // Finished meanwhile.
        }
    }

    /// <inheritdoc />
    public void CheckTimeouts(long now)
    {
        if (_activity.Expired(now, _pending.AtCore > 0) is { } expired)
        {
            Abort(expired);
        }
    }

    public void Dispose()
    {
        Volatile.Write(ref _finished, 1);
        _account.Dispose();
        _pauses.Dispose();
        _stopping.Dispose();
        _aborted.Dispose();
        _writer.Dispose();
    }

    /// <inheritdoc />
    public void OnSignCompleted(KeylessPendingSign pending, uint id, KeylessOpcode opcode, SignRequest request, SignResponse? response, int cost)
    {
        lock (_poolLock)
        {
            _pool.Push(pending);
        }

        _writer.Enqueue(_services.Dispatcher.Complete(id, opcode, request, response, cost));
        _writer.Flush();
        _pending.Done();
    }

    private static string Describe(KeylessCloseReason reason) => reason switch
    {
        KeylessCloseReason.IdleTimeout => "The Keyless connection was idle for longer than the idle timeout.",
        KeylessCloseReason.PartialMessageTimeout => "A Keyless message was not completed within the partial-message timeout.",
        KeylessCloseReason.ResponseBudget => "The Keyless connection held more than its share of the response budget for longer than the grace period.",
        _ => "The Keyless connection was closed.",
    };

    private async Task<KeylessCloseReason> ReadAsync()
    {
        var input = _transport.Input;
        var holdsSlot = false;
        try
        {
            while (true)
            {
                var read = await input.ReadAsync().ConfigureAwait(false);
                var buffer = read.Buffer;
                var now = _services.Time.GetTimestamp();
                if (buffer.Length > _buffered)
                {
                    _activity.Progressed(now);
                }

                var pause = Pause.None;
                var waitsForData = false;
                var frames = 0;
                var refusedCost = 0;
                var refusal = ResponseReservation.Reserved;
                try
                {
                    while (true)
                    {
                        if (!holdsSlot && !_writer.TryAcquireSlot())
                        {
                            pause = Pause.InFlightBound;
                            break;
                        }

                        holdsSlot = true;
                        var frameStart = buffer;
                        var status = KeylessFrameReader.TryReadFrame(ref buffer, _services.MaxBodyLength, out var frame);
                        if (status == KeylessFrameStatus.Incomplete)
                        {
                            waitsForData = true;
                            break;
                        }

                        if (status != KeylessFrameStatus.Frame)
                        {
                            FramingError = new KeylessFraming(status, frame.Id, frame.MajorVersion, frame.BodyLength);
                            _services.Metrics.FramingError(status);
                            break;
                        }

                        // A response is never larger than its request counted whole (a ping's
                        // echo is its payload), so the request's size is reserved for it.
                        var cost = KeylessHeader.Size + frame.BodyLength;
                        refusal = _account.TryReserve(cost);
                        if (refusal != ResponseReservation.Reserved)
                        {
                            buffer = frameStart;
                            refusedCost = cost;
                            pause = Pause.ResponseBudget;
                            break;
                        }

                        holdsSlot = false; // the request's reply releases it
                        frames++;
                        Interlocked.Increment(ref _requests);
                        if (Handle(frame, cost))
                        {
                            pause = Pause.Overloaded;
                            break;
                        }
                    }
                }
                finally
                {
                    // Frames not yet handled stay unconsumed and unexamined, so the next read
                    // returns them at once; an incomplete frame waits for more bytes.
                    input.AdvanceTo(buffer.Start, waitsForData ? buffer.End : buffer.Start);
                    _buffered = buffer.Length;
                }

                if (waitsForData && !buffer.IsEmpty)
                {
                    _activity.WaitingForRestOfMessage(now, buffer.Length, startedNow: frames > 0);
                }
                else
                {
                    _activity.NoPartialMessage();
                }

                _writer.Flush();
                if (FramingError is not null)
                {
                    return KeylessCloseReason.FramingError;
                }

                if (_writer.IsBroken)
                {
                    return KeylessCloseReason.TransportFailed;
                }

                if (pause == Pause.InFlightBound)
                {
                    if (!await PauseAsync(_writer.AcquireSlotAsync(_pauses.Token)).ConfigureAwait(false))
                    {
                        return KeylessCloseReason.ServerStopping;
                    }

                    holdsSlot = true;
                }
                else if (pause == Pause.ResponseBudget)
                {
                    // The client (or, with the budget spent, every client) must read first.
                    if (!await PauseAsync(_account.WaitForRoomAsync(refusedCost, refusal, _pauses.Token)).ConfigureAwait(false))
                    {
                        return KeylessCloseReason.ServerStopping;
                    }
                }
                else if (pause == Pause.Overloaded)
                {
                    // Read no further until a worker frees up: a flooding client then meets TCP
                    // backpressure instead of an endless stream of rejections.
                    if (!await PauseAsync(_services.Signing.WhenCapacityFreesAsync(_pauses.Token)).ConfigureAwait(false))
                    {
                        return KeylessCloseReason.ServerStopping;
                    }
                }
                else if (read.IsCanceled)
                {
                    return KeylessCloseReason.ServerStopping;
                }
                else if (read.IsCompleted)
                {
                    return KeylessCloseReason.ClientClosed;
                }
            }
        }
        finally
        {
            if (holdsSlot)
            {
                _writer.ReleaseSlot();
            }
        }
    }

    /// <summary>Waits out a pause; false when the server is stopping (a transport failure still throws).</summary>
    private async ValueTask<bool> PauseAsync(Task pause)
    {
        try
        {
            await pause.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested && !_aborted.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Answers or starts one request; true when it was answered <c>OVERLOADED</c> at once.</summary>
    private bool Handle(in KeylessFrame frame, int cost)
    {
        var dispatch = _services.Dispatcher.Start(frame, cost, _aborted.Token);
        if (!dispatch.IsPending)
        {
            _writer.Enqueue(dispatch.Reply);
            return dispatch.Overloaded;
        }

        _pending.Add();
        Rent().Start(this, frame.Id, dispatch.Opcode, dispatch.Request!, cost, dispatch.Response);
        return false;
    }

    private KeylessPendingSign Rent()
    {
        lock (_poolLock)
        {
            if (_pool.TryPop(out var pending))
            {
                return pending;
            }
        }

        return new KeylessPendingSign();
    }

    private void OnFlushed() => _activity.Progressed(_services.Time.GetTimestamp());

    private void OnOutputBroken(Exception? error)
    {
        TransportError ??= error;

        // Nobody will read the answers: abandon requests still queued for a worker. Callbacks
        // run on the thread pool, not inside the drain that detected the failure.
        _ = _aborted.CancelAsync();
        _transport.Input.CancelPendingRead();
    }

    private enum Pause
    {
        None,
        InFlightBound,
        ResponseBudget,
        Overloaded,
    }
}
