using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Serving.Connections;

namespace KeylessGeo.Serving.Grpc;

/// <summary>
/// The single writer of a <c>SignStream</c>'s responses. Requests complete on many threads in any
/// order and gRPC allows one write at a time, so a completion queues its response and, when no write
/// is in progress, writes the queue itself on the thread it completed on: no hand-off to another
/// thread, and one flush per batch (each message but the last of a batch carries
/// <see cref="WriteFlags.BufferHint"/>). After each flush the batch's bytes go back to the stream's
/// account in the response budget. When the client stops reading, HTTP/2 flow control holds the
/// write in progress, the queue grows to its capacity and <see cref="EnqueueAsync"/> waits, and the
/// stream's reservations stay held: the reading side then stops reading requests, so a stream never
/// buffers much more than its capacity nor more than the budget allows.
/// </summary>
/// <param name="responses">The call's response stream.</param>
/// <param name="capacity">Responses the queue holds before <see cref="EnqueueAsync"/> waits.</param>
/// <param name="account">
/// The stream's account: each response's cost is released once a flush has carried it; what is
/// still queued or unflushed when writing stops is left for the account's disposal.
/// </param>
/// <param name="cancellation">Ends the waits for room and for the queue to drain (the call ended, or the stream is being reset).</param>
internal sealed class SignStreamWriter(IServerStreamWriter<SignResponse> responses, int capacity, ResponseAccount account, CancellationToken cancellation)
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    private readonly Queue<QueuedResponse> _queue = new();
    private readonly Lock _gate = new();
    private bool _writing;
    private bool _closed;
    private Exception? _failure;
    private TaskCompletionSource? _room;
    private TaskCompletionSource? _idle;

    /// <summary>
    /// Queues a response whose request reserved <paramref name="cost"/> bytes and writes the queue
    /// unless a write is already in progress; completes at once unless the queue is over capacity.
    /// Throws once writing has failed (the client went away) or the writer is closed.
    /// </summary>
    public ValueTask EnqueueAsync(SignResponse response, int cost)
    {
        Task? wait = null;
        lock (_gate)
        {
            if (_failure is { } failure)
            {
                return ValueTask.FromException(failure);
            }

            _queue.Enqueue(new QueuedResponse(response, cost));
            if (_queue.Count > capacity)
            {
                wait = (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            if (_writing)
            {
                return wait is null ? ValueTask.CompletedTask : new ValueTask(wait.WaitAsync(cancellation));
            }

            _writing = true;
        }

        _ = WriteQueueAsync();
        return wait is null ? ValueTask.CompletedTask : new ValueTask(wait.WaitAsync(cancellation));
    }

    /// <summary>Completes once everything queued is written; rethrows a write failure.</summary>
    public Task CompleteAsync()
    {
        lock (_gate)
        {
            if (_failure is { } failure)
            {
                return Task.FromException(failure);
            }

            if (!_writing)
            {
                return Task.CompletedTask;
            }

            return (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(cancellation);
        }
    }

    /// <summary>
    /// Stops the writer: what is queued is dropped, later responses are refused, and once this
    /// returns no byte is released into the account any more, so the caller may close it. A write
    /// in progress finishes or fails on its own (the call's end fails it).
    /// </summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _failure ??= new OperationCanceledException("The SignStream call has ended.");
            _queue.Clear();
            _room?.TrySetException(_failure);
            _idle?.TrySetResult();
        }
    }

    private async Task WriteQueueAsync()
    {
        long unflushed = 0;
        long flushed = 0;
        while (true)
        {
            QueuedResponse next;
            bool flush;
            lock (_gate)
            {
                // The previous write flushed its batch: those bytes are no longer held here. Released
                // under the gate, so Close can promise that nothing is released after it.
                if (flushed > 0 && !_closed)
                {
                    account.Release(flushed);
                }

                flushed = 0;
                if (_closed || !_queue.TryDequeue(out next))
                {
                    _writing = false;
                    _idle?.TrySetResult();
                    return;
                }

                // Flush only when nothing else is waiting: one flush (and usually one TLS record)
                // carries a whole batch of completions.
                flush = _queue.Count == 0;
                responses.WriteOptions = flush ? null : Buffered;
                if (_room is { } room && _queue.Count <= capacity)
                {
                    _room = null;
                    room.TrySetResult();
                }
            }

            try
            {
                // No token: the call's own abort fails the write, and a token would cost a registration per message.
                await responses.WriteAsync(next.Response).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Fail(ex);
                return;
            }

            unflushed += next.Cost;
            if (flush)
            {
                flushed = unflushed;
                unflushed = 0;
            }
        }
    }

    private void Fail(Exception failure)
    {
        lock (_gate)
        {
            _failure = failure;
            _writing = false;
            _queue.Clear();
            _room?.TrySetException(failure);
            _idle?.TrySetException(failure);
        }
    }
}
