using Google.Protobuf;
using KeylessGeo.Rpc.Metadata;
using KeylessGeo.Rpc.Status;

namespace KeylessGeo.Rpc.Client;

/// <summary>A bidirectional streaming call. Disposing it before it finished cancels it (RST_STREAM).</summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class DuplexCall<TRequest, TResponse> : IDisposable
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly DuplexCallState _state;
    private int _disposed;

    internal DuplexCall(DuplexCallState state, RpcRequestStream<TRequest> requests, RpcResponseStream<TResponse> responses)
    {
        _state = state;
        RequestStream = requests;
        ResponseStream = responses;
    }

    /// <summary>Where requests are written.</summary>
    public RpcRequestStream<TRequest> RequestStream { get; }

    /// <summary>Where responses are read.</summary>
    public RpcResponseStream<TResponse> ResponseStream { get; }

    /// <summary>The custom response headers, once the server sent them.</summary>
    public async Task<RpcMetadata> GetResponseHeadersAsync()
    {
        var response = await _state.Response.ConfigureAwait(false);
        return ClientProtocol.ReadMetadata(response.Headers);
    }

    /// <summary>The final status; valid after the response stream reached its end or failed.</summary>
    public RpcStatus GetStatus() => _state.Status ?? throw new InvalidOperationException("The call has not finished yet.");

    /// <summary>The custom trailers; valid after the response stream reached its end.</summary>
    public RpcMetadata GetTrailers() => _state.Status is not null ? _state.Trailers : throw new InvalidOperationException("The call has not finished yet.");

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_state.Status is null)
        {
            _state.Finish(new RpcStatus(StatusCode.Cancelled, "Call disposed before it finished."), RpcMetadata.Empty, throwOnError: false);
            _state.Scope.Cancel();
        }

        RequestStream.Abort();
        if (_state.Response.IsCompletedSuccessfully)
        {
            _state.Response.Result.Dispose();
        }

        _state.Scope.Dispose();
    }
}
