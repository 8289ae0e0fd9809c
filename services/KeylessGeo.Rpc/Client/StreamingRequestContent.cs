using System.Net;
using KeylessGeo.Rpc.Status;

namespace KeylessGeo.Rpc.Client;

/// <summary>
/// A request body that stays open: it hands the HTTP/2 request stream to the call and
/// ends (END_STREAM) only when <see cref="Complete"/> is called or the request is cancelled.
/// </summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the request stream once the handler starts sending the body.</summary>
    public Task<Stream> Stream => _stream.Task;

    /// <summary>The call's error when the request failed before or while the body was sent.</summary>
    public RpcException? Error { get; private set; }

    public void Complete() => _completed.TrySetResult();

    public void Abort()
    {
        _stream.TrySetCanceled();
        _completed.TrySetResult();
    }

    /// <summary>The request failed (connection refused, TLS failure, ...): writers waiting for the body fail with <paramref name="error"/>.</summary>
    public void Fail(RpcException error)
    {
        Error ??= error;
        _stream.TrySetException(error);
        _completed.TrySetResult();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        try
        {
            await _completed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The request ended (response complete or call cancelled): stop sending.
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
