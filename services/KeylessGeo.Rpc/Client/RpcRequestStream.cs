using System.Buffers;
using System.Threading.Channels;
using Google.Protobuf;
using KeylessGeo.Rpc.Framing;
using KeylessGeo.Rpc.Status;

namespace KeylessGeo.Rpc.Client;

/// <summary>
/// The request side of a streaming call. <see cref="WriteAsync"/> is safe to call from many
/// tasks: messages go into a bounded queue that one loop drains, packing several messages
/// into each write. <see cref="CompleteAsync"/> sends END_STREAM after the queued messages.
/// </summary>
/// <typeparam name="T">The request message type.</typeparam>
public sealed class RpcRequestStream<T>
    where T : class, IMessage<T>
{
    private const int MaxBatchBytes = 64 * 1024;
    private readonly Channel<(T Message, int Size)> _queue;
    private readonly StreamingRequestContent _content;
    private readonly int _maxMessageSize;
    private readonly CancellationToken _callToken;
    private readonly Task _loop;
    private Exception? _failure;

    internal RpcRequestStream(StreamingRequestContent content, int maxMessageSize, int capacity, CancellationToken callToken)
    {
        _content = content;
        _maxMessageSize = maxMessageSize;
        _callToken = callToken;
        _queue = Channel.CreateBounded<(T Message, int Size)>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = RunAsync();
    }

    /// <summary>
    /// Queues <paramref name="message"/> for sending. Throws RESOURCE_EXHAUSTED for an oversize message.
    /// The message is serialized later, by the writer loop, with the size computed here:
    /// it must not be mutated after this method returns.
    /// </summary>
    public ValueTask WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var size = message.CalculateSize();
        GrpcFrame.ThrowIfTooLarge(size, _maxMessageSize);
        return _queue.Writer.TryWrite((message, size)) ? default : WriteSlowAsync((message, size), cancellationToken);
    }

    /// <summary>Sends the queued messages, then half-closes the request stream.</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _content.Complete();
        if (CallError() is { } error)
        {
            throw new RpcException(error.Status, error.Trailers, error);
        }

        if (_failure is not null)
        {
            throw new InvalidOperationException("The request stream failed; see the call status.", _failure);
        }
    }

    internal void Abort()
    {
        _queue.Writer.TryComplete();
        _content.Abort();
    }

    private async ValueTask WriteSlowAsync((T Message, int Size) message, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            if (CallError() is { } error)
            {
                throw new RpcException(error.Status, error.Trailers, error);
            }

            throw new InvalidOperationException("The request stream is complete or the call has ended.", _failure);
        }
    }

    /// <summary>The call's status when the request itself failed (for example the connection was refused).</summary>
    private RpcException? CallError() => _content.Error ?? _failure as RpcException;

    private async Task RunAsync()
    {
        await Task.Yield();
        var reader = _queue.Reader;
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            var stream = await _content.Stream.WaitAsync(_callToken).ConfigureAwait(false);
            while (await reader.WaitToReadAsync(_callToken).ConfigureAwait(false))
            {
                buffer.ResetWrittenCount();
                while (buffer.WrittenCount < MaxBatchBytes && reader.TryRead(out var queued))
                {
                    GrpcFrame.Write(buffer, queued.Message, queued.Size, _maxMessageSize);
                }

                await stream.WriteAsync(buffer.WrittenMemory, _callToken).ConfigureAwait(false);
                await stream.FlushAsync(_callToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // The call ended (cancelled, failed, or the server completed): later writes fail cleanly.
            _failure = ex;
            _queue.Writer.TryComplete();
        }
    }
}
