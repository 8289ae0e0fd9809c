using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Client;

/// <summary>
/// One TLS connection multiplexing many requests: callers serialize frames into an outbound
/// pipe (<see cref="RequestTable"/>), a write loop copies whatever has accumulated into the
/// <see cref="SslStream"/> (so frames queued while a write is in progress go out together),
/// and a read loop matches responses to requests by id, in any order.
/// </summary>
internal sealed class KeylessConnection
{
    // Large segments let one TLS write carry many 1 KiB frames.
    private static readonly PipeOptions OutboundOptions = new(
        pauseWriterThreshold: 0, resumeWriterThreshold: 0, minimumSegmentSize: 16 * 1024, useSynchronizationContext: false);

    private static readonly StreamPipeReaderOptions InboundOptions = new(bufferSize: 16 * 1024, minimumReadSize: 2048, leaveOpen: true);

    private readonly ClientContext _context;
    private readonly ConnectionSlot _slot;
    private readonly Pipe _outbound = new(OutboundOptions);
    private readonly RequestTable _table;
    private readonly CancellationTokenSource _shutdown = new();
    private SslStream? _ssl;
    private long _bytesAttempted;
    private int _failed;
    private bool _open;
    private bool _answered;

    public KeylessConnection(ClientContext context, ConnectionSlot slot)
    {
        _context = context;
        _slot = slot;
        _table = new RequestTable(_outbound.Writer, context.Options.MaxInFlightPerConnection, context.Options.PadRequests);
        Number = context.NextConnectionNumber();
    }

    /// <summary>A number for logs.</summary>
    public int Number { get; }

    /// <summary>Requests awaiting an answer (or a connection) on this connection.</summary>
    public int InFlight => _table.Count;

    /// <summary>True once the connection has failed or been closed.</summary>
    public bool IsClosed => _table.IsClosed;

    /// <summary>Ends when the connection is closed and both loops have stopped.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Connects in the background; requests may be queued at once.</summary>
    public void Start() => Completion = RunAsync();

    /// <inheritdoc cref="RequestTable.TryEnqueue"/>
    public EnqueueStatus TryEnqueue(PendingRequest request, in KeylessOperationRequest operation, out string? error)
        => _table.TryEnqueue(request, operation, this, out error);

    /// <inheritdoc cref="RequestTable.Forget"/>
    public void Forget(uint id, PendingRequest request, int generation) => _table.Forget(id, request, generation);

    /// <summary>
    /// Closes the connection once: requests whose frame never reached the TLS stream complete
    /// as not sent (the client may retry them), every other waiting request as UNAVAILABLE.
    /// </summary>
    public void Fail(string reason, bool connectFailed)
    {
        if (Interlocked.Exchange(ref _failed, 1) != 0)
        {
            return;
        }

        var entries = _table.Close() ?? [];
        _shutdown.Cancel();

        // The slot learns first (backoff, then empty), so a caller woken below never sees a stale slot.
        var failure = connectFailed || !Volatile.Read(ref _answered);
        var delay = _slot.OnClosed(this, failure && !_context.IsDisposed, reason);

        // Dispose before reading the byte count: a write that starts later cannot send anything.
        Volatile.Read(ref _ssl)?.Dispose();
        var attempted = Interlocked.Read(ref _bytesAttempted);
        var message = $"The connection to the key server {_context.Endpoint} failed: {reason}.";
        var sent = KeylessResult.Failure(ErrorCode.Unavailable, message, true);
        var unsent = KeylessResult.Failure(ErrorCode.Unavailable, message, false);
        foreach (var entry in entries)
        {
            entry.Request.TryComplete(entry.Generation, entry.EndOffset > attempted ? unsent : sent, taken: true);
        }

        if (Volatile.Read(ref _open))
        {
            KeylessClientLog.ConnectionClosed(_context.Logger, Number, _context.Endpoint, reason, entries.Length);
        }
        else if (!_context.IsDisposed)
        {
            KeylessClientLog.ConnectFailed(_context.Logger, Number, _context.Endpoint, reason, entries.Length, (long)delay.TotalMilliseconds);
        }
    }

    private async Task RunAsync()
    {
        var (ssl, failure) = await ConnectionDialer.ConnectAsync(_context, _shutdown.Token).ConfigureAwait(false);
        if (ssl is null)
        {
            Fail(failure!, connectFailed: true);
            return;
        }

        // Either Fail sees the stream and disposes it, or this sees the failure (full fences on both sides).
        Interlocked.Exchange(ref _ssl, ssl);
        if (Volatile.Read(ref _failed) != 0)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            return;
        }

        Volatile.Write(ref _open, true);
        KeylessClientLog.ConnectionOpened(_context.Logger, Number, _context.Endpoint);
        try
        {
            await Task.WhenAll(WriteLoopAsync(ssl), ReadLoopAsync(ssl)).ConfigureAwait(false);
        }
        finally
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync(SslStream ssl)
    {
        var reader = _outbound.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_shutdown.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    // Counted before the write: a frame inside an attempted write may have been sent.
                    Interlocked.Add(ref _bytesAttempted, segment.Length);
                    await ssl.WriteAsync(segment, _shutdown.Token).ConfigureAwait(false);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Fail(_shutdown.IsCancellationRequested ? "the connection was shut down" : ConnectionDialer.Describe(ex), connectFailed: false);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task ReadLoopAsync(SslStream ssl)
    {
        var input = PipeReader.Create(ssl, InboundOptions);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_shutdown.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var fatal = DispatchFrames(ref buffer);
                if (fatal is not null)
                {
                    Fail(fatal, connectFailed: false);
                    return;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    Fail(buffer.IsEmpty ? "the server closed the connection" : "the server closed the connection in the middle of a message", connectFailed: false);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Fail(_shutdown.IsCancellationRequested ? "the connection was shut down" : ConnectionDialer.Describe(ex), connectFailed: false);
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Completes the request of every whole frame in <paramref name="buffer"/>; returns why the stream is unreadable, or null.</summary>
    private string? DispatchFrames(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            switch (KeylessFrameReader.TryReadFrame(ref buffer, KeylessHeader.MaxBodyLength, out var frame))
            {
                case KeylessFrameStatus.Frame:
                    Dispatch(frame);
                    break;
                case KeylessFrameStatus.Incomplete:
                    return null;
                default:
                    return $"the server sent a message with protocol version {frame.MajorVersion}.{frame.MinorVersion}, which cannot be read";
            }
        }
    }

    private void Dispatch(in KeylessFrame frame)
    {
        if (!_table.TryTake(frame.Id, out var entry))
        {
            // A response whose request already ended (deadline, cancellation) or that never existed.
            KeylessClientLog.UnknownResponseId(_context.Logger, Number, _context.Endpoint, frame.Id);
            return;
        }

        Volatile.Write(ref _answered, true);
        var result = ResponseDecoder.Decode(frame.Body, entry.Opcode, out var malformed);
        if (malformed is not null)
        {
            KeylessClientLog.MalformedResponse(_context.Logger, Number, _context.Endpoint, frame.Id, malformed);
        }

        entry.Request.TryComplete(entry.Generation, result, taken: true);
    }
}
