using System.Runtime.CompilerServices;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeylessGeo.Keyless.Client;

/// <summary>
/// A multiplexed Keyless protocol client for one key server (ours, gokeyless, or any
/// conforming server) over mutual TLS, with its own small connection pool. Thread-safe;
/// create one per key server and reuse it.
/// </summary>
/// <remarks>
/// Every request has a deadline and ends with a <see cref="KeylessResult"/>, never an
/// exception, except <see cref="OperationCanceledException"/> when the caller's token is
/// canceled. A request the client knows was never written is retried on another (or a new)
/// connection within its deadline; a request that may have reached the server is not retried
/// here (the caller decides), and OVERLOADED is never retried.
/// </remarks>
public sealed class KeylessClient : IAsyncDisposable
{
    private readonly ClientContext _context;
    private readonly ConnectionPool _pool;
    private readonly int _maxAttempts;

    /// <summary>Creates a client; connections open on first use.</summary>
    /// <exception cref="ArgumentException">The options are invalid (every problem is listed).</exception>
    public KeylessClient(KeylessClientOptions options, ILogger<KeylessClient>? logger = null, TimeProvider? timeProvider = null)
        : this(options, logger, timeProvider, null)
    {
    }

    internal KeylessClient(KeylessClientOptions options, ILogger? logger, TimeProvider? timeProvider, Func<double>? jitter)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid Keyless client options: " + string.Join(" ", errors), nameof(options));
        }

        _context = new ClientContext(options, logger ?? NullLogger.Instance, timeProvider ?? TimeProvider.System, jitter ?? Random.Shared.NextDouble);
        _pool = new ConnectionPool(_context);
        _maxAttempts = options.ConnectionCount + 1;
    }

    /// <summary>The key server, as "host:port".</summary>
    public string Endpoint => _context.Endpoint;

    /// <summary>Connections currently open or being established.</summary>
    public int ConnectionCount => _pool.ConnectionCount();

    /// <summary>Requests awaiting an answer across the pool (for tests and diagnostics).</summary>
    internal int InFlight => _pool.InFlight();

    /// <summary>Sends <paramref name="request"/> with <see cref="KeylessClientOptions.RequestTimeout"/>.</summary>
    public ValueTask<KeylessResult> SignAsync(KeylessOperationRequest request, CancellationToken cancellationToken = default)
        => SignAsync(request, _context.Options.RequestTimeout, cancellationToken);

    /// <summary>Sends <paramref name="request"/> and waits at most <paramref name="timeout"/> for its answer.</summary>
    public ValueTask<KeylessResult> SignAsync(KeylessOperationRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_context.IsDisposed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<KeylessResult>(cancellationToken);
        }

        if (KeylessOpcodes.IsResponse(request.Opcode))
        {
            return new(KeylessResult.Failure(ErrorCode.BadRequest, $"Opcode 0x{(byte)request.Opcode:X2} is a response opcode and cannot be sent.", false));
        }

        if (timeout <= TimeSpan.Zero)
        {
            return new(KeylessResult.Failure(ErrorCode.DeadlineExceeded, "The request's deadline had already passed.", false));
        }

        var time = _context.Time;
        var ticks = Math.Min(timeout.TotalSeconds * time.TimestampFrequency, long.MaxValue / 4);
        return SendAsync(request, time.GetTimestamp() + (long)ticks, cancellationToken);
    }

    /// <summary>Sends <paramref name="request"/> and waits until <paramref name="deadline"/> for its answer.</summary>
    public ValueTask<KeylessResult> SignAsync(KeylessOperationRequest request, DateTimeOffset deadline, CancellationToken cancellationToken = default)
        => SignAsync(request, deadline - _context.Time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// Pings the server (opcode 0xF1); a successful result's value is the server's echo of
    /// <paramref name="payload"/> (a pong, opcode 0xF2). An error answer (0xFF) is returned as
    /// such; any other answer fails the ping with INTERNAL.
    /// </summary>
    public ValueTask<KeylessResult> PingAsync(ReadOnlyMemory<byte> payload, TimeSpan timeout, CancellationToken cancellationToken = default)
        => SignAsync(new KeylessOperationRequest { Opcode = KeylessOpcode.Ping, Payload = payload }, timeout, cancellationToken);

    /// <summary>Pings the server with <see cref="KeylessClientOptions.RequestTimeout"/>.</summary>
    public ValueTask<KeylessResult> PingAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
        => PingAsync(payload, _context.Options.RequestTimeout, cancellationToken);

    /// <summary>Closes every connection; requests still waiting complete with UNAVAILABLE.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_context.MarkDisposed())
        {
            await _pool.CloseAllAsync("the client was disposed").ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<KeylessResult> SendAsync(KeylessOperationRequest request, long deadline, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (!TryQueue(request, deadline, cancellationToken, out var pending, out var refused))
            {
                return refused;
            }

            var result = await new ValueTask<KeylessResult>(pending, pending.Version).ConfigureAwait(false);

            // Only a request whose connection failed before its frame was written is retried here.
            if (result.IsSuccess || result.MayHaveReachedServer || result.Code != ErrorCode.Unavailable
                || attempt >= _maxAttempts || _context.Time.GetTimestamp() >= deadline || _context.IsDisposed)
            {
                return result;
            }
        }
    }

    private bool TryQueue(in KeylessOperationRequest request, long deadline, CancellationToken cancellationToken, out PendingRequest pending, out KeylessResult refused)
    {
        pending = _context.Requests.Rent();
        pending.Prepare(deadline, cancellationToken);
        var full = false;
        for (var tries = 0; tries <= _maxAttempts; tries++)
        {
            var status = _pool.Select(out var connection);
            if (status == SelectStatus.Selected)
            {
                switch (connection!.TryEnqueue(pending, request, out var invalid))
                {
                    case EnqueueStatus.Queued:
                        pending.Arm();
                        refused = default;
                        return true;
                    case EnqueueStatus.Invalid:
                        refused = KeylessResult.Failure(ErrorCode.BadRequest, invalid!, false);
                        _context.Requests.Return(pending);
                        return false;
                    case EnqueueStatus.Full:
                        full = true;
                        continue; // lost a race with another request: choose again
                    default:
                        continue; // the connection is closing: choose again
                }
            }

            refused = status == SelectStatus.Overloaded
                ? KeylessResult.Failure(ErrorCode.Overloaded, _context.OverloadedMessage, false)
                : Unavailable();
            _context.Requests.Return(pending);
            return false;
        }

        refused = full ? KeylessResult.Failure(ErrorCode.Overloaded, _context.OverloadedMessage, false) : Unavailable();
        _context.Requests.Return(pending);
        return false;
    }

    private KeylessResult Unavailable() => KeylessResult.Failure(
        ErrorCode.Unavailable, $"No connection to the key server {_context.Endpoint} is available: {_context.LastFailure}.", false);
}
