using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using KeylessGeo.Rpc.Framing;

namespace KeylessGeo.Rpc.Server;

/// <summary>
/// The request stream of a streaming call. A message that cannot be parsed is reported as
/// <see cref="RpcReadKind.Malformed"/> and the stream continues; an oversize or compressed
/// message is stream-fatal (<see cref="Status.RpcException"/>). Not safe for concurrent reads.
/// </summary>
/// <typeparam name="T">The request message type.</typeparam>
public sealed class RpcStreamReader<T>
    where T : class, IMessage<T>
{
    private readonly GrpcMessageReader _frames;
    private readonly MessageParser<T> _parser;
    private readonly string _messageName;
    private readonly CancellationToken _callToken;

    internal RpcStreamReader(PipeReader body, MessageParser<T> parser, string messageName, int maxMessageSize, CancellationToken callToken)
    {
        _frames = new GrpcMessageReader(body, maxMessageSize);
        _parser = parser;
        _messageName = messageName;
        _callToken = callToken;
    }

    /// <summary>
    /// Reads the next message. Uses the call's cancellation token when
    /// <paramref name="cancellationToken"/> cannot be cancelled.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RpcReadResult<T>> ReadAsync(CancellationToken cancellationToken = default)
    {
        var token = cancellationToken.CanBeCanceled ? cancellationToken : _callToken;
        if (!await _frames.ReadNextAsync(token).ConfigureAwait(false))
        {
            return RpcReadResult<T>.Completed;
        }

        try
        {
            return RpcReadResult<T>.FromMessage(_parser.ParseFrom(_frames.Payload));
        }
        catch (InvalidProtocolBufferException ex)
        {
            return RpcReadResult<T>.FromMalformed($"Failed to parse message of type {_messageName}: {ex.Message}");
        }
        finally
        {
            _frames.Consume();
        }
    }
}
