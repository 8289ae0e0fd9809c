using KeylessGeo.Rpc.Status;

namespace KeylessGeo.Rpc.Client;

/// <summary>The cancellation of one client call: the caller's token and the local deadline timer.</summary>
internal sealed class CallScope : IDisposable
{
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(30);
    private readonly CancellationTokenSource? _deadline;
    private readonly CancellationTokenSource _call;
    private readonly CancellationToken _user;

    public CallScope(RpcCallOptions? options, TimeProvider time)
    {
        _user = options?.CancellationToken ?? default;
        if (options?.Deadline is { } deadline)
        {
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new RpcException(StatusCode.DeadlineExceeded, "Deadline exceeded before the call started.");
            }

            Timeout = remaining;
            if (remaining < MaxTimer)
            {
                _deadline = new CancellationTokenSource(remaining, time);
            }
        }

        _call = _deadline is null
            ? CancellationTokenSource.CreateLinkedTokenSource(_user)
            : CancellationTokenSource.CreateLinkedTokenSource(_user, _deadline.Token);
    }

    /// <summary>The time left when the call started, for <c>grpc-timeout</c>.</summary>
    public TimeSpan? Timeout { get; }

    public CancellationToken Token => _call.Token;

    public void Cancel()
    {
        try
        {
            _call.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    /// <summary>Maps a transport exception to the status the caller sees.</summary>
    public RpcException ToRpcException(Exception exception)
    {
        if (exception is RpcException rpc)
        {
            return rpc;
        }

        if (_deadline?.IsCancellationRequested == true)
        {
            return new RpcException(new RpcStatus(StatusCode.DeadlineExceeded, "Deadline exceeded."), null, exception);
        }

        // Only a cancellation we asked for is CANCELLED: SocketsHttpHandler reports its connect
        // (and TLS handshake) timeout as a TaskCanceledException too, and that is a transport failure.
        if (_user.IsCancellationRequested || _call.IsCancellationRequested)
        {
            return new RpcException(new RpcStatus(StatusCode.Cancelled, "Call cancelled."), null, exception);
        }

        return ClientProtocol.MapTransportException(exception);
    }

    public void Dispose()
    {
        _call.Dispose();
        _deadline?.Dispose();
    }
}
