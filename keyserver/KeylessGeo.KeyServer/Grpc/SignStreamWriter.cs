using System.Threading.Channels;
using Grpc.Core;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Grpc;

/// <summary>
/// The single writer of a <c>SignStream</c>'s responses. Requests complete on many threads in any
/// order; gRPC allows one write at a time, so completions go into a bounded queue and one loop
/// writes them, flushing once per batch (each message but the last of a batch carries
/// <see cref="WriteFlags.BufferHint"/>). When the client stops reading, HTTP/2 flow control stalls
/// the loop, the queue fills and <see cref="EnqueueAsync"/> waits: the reading side then stops
/// reading requests, so a stream never buffers more than the queue's capacity.
/// </summary>
internal sealed class SignStreamWriter
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    private readonly Channel<SignResponse> _queue;
    private readonly IServerStreamWriter<SignResponse> _responses;
    private readonly Task _writing;

    public SignStreamWriter(IServerStreamWriter<SignResponse> responses, int capacity, CancellationToken cancellation)
    {
        _responses = responses;
        _queue = Channel.CreateBounded<SignResponse>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writing = WriteLoopAsync(cancellation);
    }

    /// <summary>Queues a response; waits while the queue is full. Throws once the call has ended.</summary>
    public ValueTask EnqueueAsync(SignResponse response, CancellationToken cancellation)
    {
        var writer = _queue.Writer;
        return writer.TryWrite(response) ? ValueTask.CompletedTask : writer.WriteAsync(response, cancellation);
    }

    /// <summary>Writes what is queued, then completes; rethrows a failure of the writing loop.</summary>
    public Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        return _writing;
    }

    private async Task WriteLoopAsync(CancellationToken cancellation)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellation).ConfigureAwait(false))
            {
                while (reader.TryRead(out var response))
                {
                    // Flush only when nothing else is waiting: one flush (and usually one TLS
                    // record) carries a whole batch of completions.
                    _responses.WriteOptions = reader.TryPeek(out _) ? Buffered : null;
                    await _responses.WriteAsync(response, cancellation).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            // Writers blocked on a full queue must not wait for a loop that has stopped.
            _queue.Writer.TryComplete();
            throw;
        }
    }
}
