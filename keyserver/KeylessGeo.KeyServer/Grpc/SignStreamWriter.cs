using Grpc.Core;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Grpc;

/// <summary>
/// The single writer of a <c>SignStream</c>'s responses. Requests complete on many threads in any
/// order and gRPC allows one write at a time, so a completion queues its response and, when no write
/// is in progress, writes the queue itself on the thread it completed on: no hand-off to another
/// thread, and one flush per batch (each message but the last of a batch carries
/// <see cref="WriteFlags.BufferHint"/>). When the client stops reading, HTTP/2 flow control holds the
/// write in progress, the queue grows to its capacity and <see cref="EnqueueAsync"/> waits: the
/// reading side then stops reading requests, so a stream never buffers much more than its capacity.
/// </summary>
internal sealed class SignStreamWriter(IServerStreamWriter<SignResponse> responses, int capacity, CancellationToken cancellation)
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    private readonly Queue<SignResponse> _queue = new();
    private readonly Lock _gate = new();
    private bool _writing;
    private Exception? _failure;
    private TaskCompletionSource? _room;
    private TaskCompletionSource? _idle;

    /// <summary>
    /// Queues a response and writes the queue unless a write is already in progress; completes at
    /// once unless the queue is over capacity. Throws once writing has failed (the client went away).
    /// </summary>
    public ValueTask EnqueueAsync(SignResponse response)
    {
        Task? wait = null;
        lock (_gate)
        {
            if (_failure is { } failure)
            {
                return ValueTask.FromException(failure);
            }

            _queue.Enqueue(response);
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

            return (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    private async Task WriteQueueAsync()
    {
        while (true)
        {
            SignResponse next;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out next!))
                {
                    _writing = false;
                    _idle?.TrySetResult();
                    return;
                }

                // Flush only when nothing else is waiting: one flush (and usually one TLS record)
                // carries a whole batch of completions.
                responses.WriteOptions = _queue.Count > 0 ? Buffered : null;
                if (_room is { } room && _queue.Count <= capacity)
                {
                    _room = null;
                    room.TrySetResult();
                }
            }

            try
            {
                // No token: the call's own abort fails the write, and a token would cost a registration per message.
                await responses.WriteAsync(next).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Fail(ex);
                return;
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
