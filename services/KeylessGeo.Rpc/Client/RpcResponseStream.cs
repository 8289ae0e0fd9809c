using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using KeylessGeo.Rpc.Framing;
using KeylessGeo.Rpc.Status;

namespace KeylessGeo.Rpc.Client;

/// <summary>The response side of a streaming call. Not safe for concurrent reads.</summary>
/// <typeparam name="T">The response message type.</typeparam>
public sealed class RpcResponseStream<T>
    where T : class, IMessage<T>
{
    private readonly DuplexCallState _state;
    private readonly MessageParser<T> _parser;
    private readonly string _messageName;
    private readonly int _maxMessageSize;
    private GrpcMessageReader? _frames;
    private PipeReader? _body;

    internal RpcResponseStream(DuplexCallState state, MessageParser<T> parser, string messageName, int maxMessageSize)
    {
        _state = state;
        _parser = parser;
        _messageName = messageName;
        _maxMessageSize = maxMessageSize;
    }

    /// <summary>
    /// The next response, or null at the end of a successful call. Throws
    /// <see cref="RpcException"/> when the call ends with a non-OK status. Cancelling
    /// <paramref name="cancellationToken"/> cancels the whole call; the call's deadline still
    /// applies when a token is passed.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<T?> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_state.Status is { } finished)
        {
            return finished.Code == StatusCode.OK ? null : throw new RpcException(finished, _state.Trailers);
        }

        // The caller's token adds to the call's own cancellation (deadline, Dispose) instead of replacing it.
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static scope => ((CallScope)scope!).Cancel(), _state.Scope)
            : default;
        var token = _state.Scope.Token;
        try
        {
            if (_frames is null)
            {
                var response = await _state.Response.WaitAsync(token).ConfigureAwait(false);
                if (ClientProtocol.CheckHeaders(response) is { } early)
                {
                    _state.Finish(early, ClientProtocol.ReadMetadata(response.Headers));
                    return null;
                }

                var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
                _body = PipeReader.Create(body);
                _frames = new GrpcMessageReader(_body, _maxMessageSize);
            }

            if (await _frames.ReadNextAsync(token).ConfigureAwait(false))
            {
                try
                {
                    return _parser.ParseFrom(_frames.Payload);
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw new RpcException(StatusCode.Internal, $"Failed to parse response message of type {_messageName}: {ex.Message}");
                }
                finally
                {
                    _frames.Consume();
                }
            }

            await CompleteBodyAsync().ConfigureAwait(false);
            var completed = await _state.Response.ConfigureAwait(false);
            _state.Finish(ClientProtocol.GetTrailerStatus(completed), ClientProtocol.ReadMetadata(completed.TrailingHeaders));
            return null;
        }
        catch (Exception ex) when (_state.Status is null)
        {
            // A local failure (oversize or malformed message, transport error) ends the call: reset the stream.
            var error = _state.Scope.ToRpcException(ex);
            _state.Scope.Cancel();
            await CompleteBodyAsync().ConfigureAwait(false);
            _state.Finish(error.Status, error.Trailers, throwOnError: false);
            throw error;
        }
        catch (Exception ex) when (_state.Status is { } status && ex is not RpcException)
        {
            // The call already ended elsewhere (DuplexCall disposed on another task): report its status.
            await CompleteBodyAsync().ConfigureAwait(false);
            throw new RpcException(status, _state.Trailers, ex);
        }
    }

    /// <summary>Completes the body pipe once the stream ended or failed, returning its pooled buffers.</summary>
    private async ValueTask CompleteBodyAsync()
    {
        if (_body is { } body)
        {
            _body = null;
            await body.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Reads every response until the end of the call.</summary>
    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } message)
        {
            yield return message;
        }
    }
}
