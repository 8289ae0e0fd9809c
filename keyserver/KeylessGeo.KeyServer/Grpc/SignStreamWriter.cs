using System.Threading.Channels;
using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Connections;

namespace KeylessGeo.KeyServer.Grpc;

/// <summary>
/// The single writer of a <c>SignStream</c>'s responses. Requests complete on many threads in any
/// order; gRPC allows one write at a time, so completions go into a bounded queue and one loop
/// writes them, flushing once per batch (each message but the last of a batch carries
/// <see cref="WriteFlags.BufferHint"/>). After each flush the loop releases the batch's bytes in
/// the response budget. When the client stops reading, HTTP/2 flow control stalls the loop, the
/// queue and the stream's reservations fill, and the reading side stops reading requests: a stream
/// never buffers more than the queue's capacity nor more than the budget allows.
/// </summary>
internal sealed class SignStreamWriter
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    private readonly Channel<QueuedResponse> _queue;
    private readonly IServerStreamWriter<SignResponse> _responses;
    private readonly ResponseAccount _account;
    private readonly Task _writing;

    /// <param name="responses">The call's response stream.</param>
    /// <param name="capacity">Responses the queue holds.</param>
    /// <param name="account">
    /// The stream's account: the loop releases each response's cost once it is flushed; what is
    /// still queued or unflushed when the loop stops is left for the account's disposal.
    /// </param>
    /// <param name="cancellation">Stops the loop (the call ended, or the stream is being torn down).</param>
    public SignStreamWriter(IServerStreamWriter<SignResponse> responses, int capacity, ResponseAccount account, CancellationToken cancellation)
    {
        _responses = responses;
        _account = account;
        _queue = Channel.CreateBounded<QueuedResponse>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writing = WriteLoopAsync(cancellation);
    }

    /// <summary>Queues a response whose request reserved <paramref name="cost"/> bytes; waits while the queue is full. Throws once the loop has stopped.</summary>
    public ValueTask EnqueueAsync(SignResponse response, int cost, CancellationToken cancellation)
    {
        var queued = new QueuedResponse(response, cost);
        var writer = _queue.Writer;
        return writer.TryWrite(queued) ? ValueTask.CompletedTask : writer.WriteAsync(queued, cancellation);
    }

    /// <summary>Writes what is queued, then completes; rethrows a failure of the writing loop.</summary>
    public Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        return _writing;
    }

    /// <summary>
    /// Completes once the loop has stopped, however it stops; never throws. With the loop's token
    /// cancelled it stops without writing what is still queued.
    /// </summary>
    public async Task StoppedAsync()
    {
        _queue.Writer.TryComplete();
        await _writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        // Observed here: the handler reports why the call ended; a write that failed with it is no news.
        _ = _writing.Exception;
    }

    private async Task WriteLoopAsync(CancellationToken cancellation)
    {
        var reader = _queue.Reader;
        long unflushed = 0;
        try
        {
            while (await reader.WaitToReadAsync(cancellation).ConfigureAwait(false))
            {
                while (reader.TryRead(out var queued))
                {
                    // Flush only when nothing else is waiting: one flush (and usually one TLS
                    // record) carries a whole batch of completions.
                    var flush = !reader.TryPeek(out _);
                    _responses.WriteOptions = flush ? null : Buffered;
                    await _responses.WriteAsync(queued.Response, cancellation).ConfigureAwait(false);
                    unflushed += queued.Cost;
                    if (flush)
                    {
                        _account.Release(unflushed);
                        unflushed = 0;
                    }
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
