using System.IO.Pipelines;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.KeyServer.Grpc;

namespace KeylessGeo.KeyServer.Keyless;

/// <summary>
/// One Keyless connection: reads frames, answers pings and malformed requests at once, hands
/// private-key operations to the signing core, and writes responses in completion order
/// through <see cref="KeylessResponseWriter"/>.
/// </summary>
/// <remarks>
/// Reading pauses (so TCP backpressure reaches the client) while the connection has
/// <c>MaxInFlightPerConnection</c> requests unanswered, and after a request is answered
/// <c>OVERLOADED</c> until a signing worker frees up. A per-request error never ends the
/// connection; a framing error does, after every request read before it has been answered.
/// </remarks>
internal sealed class KeylessConnection : IDisposable
{
    private readonly IDuplexPipe _transport;
    private readonly KeylessListenerServices _services;
    private readonly KeylessResponseWriter _writer;
    private readonly CancellationTokenSource _aborted;
    private readonly PendingResponses _pending = new();
    private readonly Stack<KeylessPendingSign> _pool = new();
    private readonly Lock _poolLock = new();
    private long _requests;

    /// <param name="transport">The decrypted duplex stream.</param>
    /// <param name="services">What the listener's connections share.</param>
    /// <remarks>
    /// Kestrel's <c>ConnectionClosed</c> is not used to abandon work: it fires when the client
    /// half-closes (FIN), and a client may do that and still read its answers. A reset shows as
    /// a failed read or write instead, and that abandons what is still queued.
    /// </remarks>
    public KeylessConnection(IDuplexPipe transport, KeylessListenerServices services)
    {
        _transport = transport;
        _services = services;
        _aborted = new CancellationTokenSource();
        _writer = new KeylessResponseWriter(transport.Output, services.MaxInFlightPerConnection, OnOutputBroken);
    }

    /// <summary>Requests read so far (framing errors excluded).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>The framing error that closed the connection, if one did.</summary>
    public KeylessFraming? FramingError { get; private set; }

    /// <summary>The transport error that ended the connection, if one did (logged, never sent).</summary>
    public Exception? TransportError { get; private set; }

    /// <summary>
    /// Serves the connection until the client closes it, a framing error, a transport failure
    /// or a cancelled pending read (the server stopping). Every request read is answered (or,
    /// with the transport gone, abandoned) before this completes; it does not throw for
    /// transport failures.
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
                _writer.Enqueue(KeylessReply.Failure(framing.Id, KeylessErrorMap.ForFraming(framing.Status), holdsSlot: false));
            }

            await _writer.CloseAsync().ConfigureAwait(false);
            await _transport.Input.CompleteAsync().ConfigureAwait(false);
        }

        return _writer.IsBroken && reason != KeylessCloseReason.FramingError ? KeylessCloseReason.TransportFailed : reason;
    }

    public void Dispose()
    {
        _aborted.Dispose();
        _writer.Dispose();
    }

    /// <summary>Called by a <see cref="KeylessPendingSign"/> on the thread that completed the request.</summary>
    internal void OnSignCompleted(uint id, KeylessOpcode opcode, SignRequest request, SignResponse? response)
    {
        _writer.Enqueue(Reply(id, opcode, request, response));
        _writer.Flush();
        _pending.Done();
    }

    internal void Return(KeylessPendingSign pending)
    {
        lock (_poolLock)
        {
            _pool.Push(pending);
        }
    }

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
                var pause = Pause.None;
                var waitsForData = false;
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

                        holdsSlot = false; // the request's reply releases it
                        Interlocked.Increment(ref _requests);
                        if (Handle(frame))
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
                    await _writer.AcquireSlotAsync(_aborted.Token).ConfigureAwait(false);
                    holdsSlot = true;
                }
                else if (pause == Pause.Overloaded)
                {
                    // Read no further until a worker frees up: a flooding client then meets TCP
                    // backpressure instead of an endless stream of rejections.
                    await _services.Signing.WhenCapacityFreesAsync(_aborted.Token).ConfigureAwait(false);
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

    /// <summary>Answers or starts one request; true when it was answered <c>OVERLOADED</c> at once.</summary>
    private bool Handle(in KeylessFrame frame)
    {
        if (!KeylessItemParser.TryParseRequest(frame.Body, out var items, out var error))
        {
            Answer(KeylessReply.Failure(frame.Id, error.WireError), items.HasOpcode ? items.Opcode : null);
            return false;
        }

        var opcode = items.Opcode;
        if (opcode == KeylessOpcode.Ping)
        {
            Answer(KeylessReply.Pong(frame.Id, items.Payload), opcode);
            return false;
        }

        var operation = KeylessOperations.ToOperation(opcode);
        if (operation == Operation.Unspecified)
        {
            Answer(KeylessReply.Failure(frame.Id, KeylessErrorMap.UnsupportedOptionalOpcode), opcode);
            return false;
        }

        var request = KeylessRequestMapper.ToSignRequest(frame.Id, operation, items);
        var response = _services.Signing.SignAsync(request, deadline: null, _aborted.Token);
        if (response.IsCompleted)
        {
            var answered = response.IsCompletedSuccessfully ? response.Result : null;
            _writer.Enqueue(Reply(frame.Id, opcode, request, answered));
            return answered?.Error?.Code == ErrorCode.Overloaded;
        }

        _pending.Add();
        Rent().Start(this, frame.Id, opcode, request, response);
        return false;
    }

    private void Answer(in KeylessReply reply, KeylessOpcode? opcode)
    {
        _services.Metrics.Request(opcode, reply.Kind == KeylessReplyKind.Error ? reply.Error : null);
        _writer.Enqueue(reply);
    }

    private KeylessReply Reply(uint id, KeylessOpcode opcode, SignRequest request, SignResponse? response)
    {
        KeylessReply reply;
        if (response?.OutcomeCase == SignResponse.OutcomeOneofCase.Result)
        {
            reply = KeylessReply.Result(id, response.Result.Memory);
        }
        else
        {
            var code = response?.Error?.Code ?? ErrorCode.Internal;
            var unsupported = code == ErrorCode.BadRequest && _services.KeyTypes.OperationNotSupportedByKey(request);
            reply = KeylessReply.Failure(id, KeylessErrorMap.Map(code, unsupported));
        }

        _services.Metrics.Request(opcode, reply.Kind == KeylessReplyKind.Error ? reply.Error : null);
        return reply;
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
        Overloaded,
    }
}
