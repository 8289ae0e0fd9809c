using System.Collections.Concurrent;
using System.IO.Pipelines;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Serving.Connections;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// Writes a connection's responses in completion order and bounds its requests in flight.
/// </summary>
/// <remarks>
/// Replies are queued from any thread. Whoever queues one while no drain runs becomes the
/// drainer: it writes every queued reply into the <see cref="PipeWriter"/>, flushes once,
/// and repeats until the queue is empty. Replies queued while a flush is in progress (the
/// client reads slowly) are written together by the next round, so a busy connection gets
/// batched TLS records; an idle one gets its response without a thread hop. Drain ownership is
/// a flag, not a lock: nothing is held across the flush's await. A reply to a request holds an
/// in-flight slot and its bytes in the response budget until it is written and flushed, so a
/// client that stops reading stops the connection's reader (at <c>MaxInFlightPerConnection</c>
/// or at its share of the budget) and its memory stays bounded. A completed flush is progress
/// for the idle timeout: the client is reading.
/// </remarks>
internal sealed class KeylessResponseWriter : IDisposable
{
    private readonly ConcurrentQueue<KeylessReply> _queue = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PipeWriter _output;
    private readonly SemaphoreSlim _slots;
    private readonly Action<Exception?> _broken;
    private readonly ResponseAccount _account;
    private readonly Action _flushed;
    private int _draining;
    private volatile bool _isBroken;

    /// <param name="output">The connection's output.</param>
    /// <param name="maxInFlight">In-flight slots.</param>
    /// <param name="broken">Called once, on the draining thread, when the output fails (the client is gone).</param>
    /// <param name="account">The connection's share of the response budget; each reply's cost is released after its flush.</param>
    /// <param name="flushed">Called after each flush that completed (the client took the bytes).</param>
    public KeylessResponseWriter(PipeWriter output, int maxInFlight, Action<Exception?> broken, ResponseAccount account, Action flushed)
    {
        _output = output;
        _slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        _broken = broken;
        _account = account;
        _flushed = flushed;
    }

    /// <summary>Whether the output has failed; later replies are discarded.</summary>
    public bool IsBroken => _isBroken;

    /// <summary>Takes an in-flight slot if one is free.</summary>
    public bool TryAcquireSlot() => _slots.Wait(0);

    /// <summary>Waits for an in-flight slot.</summary>
    public Task AcquireSlotAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    /// <summary>Gives back a slot that no reply will release.</summary>
    public void ReleaseSlot() => _slots.Release();

    /// <summary>Queues a reply; it is written by the next <see cref="Flush"/> (or a drain already running).</summary>
    public void Enqueue(in KeylessReply reply) => _queue.Enqueue(reply);

    /// <summary>Starts writing the queued replies unless a drain is already running.</summary>
    public void Flush()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            _ = DrainAsync();
        }
    }

    /// <summary>
    /// Writes everything queued so far, flushes, completes the output, and completes when that
    /// is done. Nothing may be queued afterwards.
    /// </summary>
    public Task CloseAsync()
    {
        _queue.Enqueue(KeylessReply.Close);
        Flush();
        return _closed.Task;
    }

    public void Dispose() => _slots.Dispose();

    private async Task DrainAsync()
    {
        while (true)
        {
            var written = 0;
            var slots = 0;
            var cost = 0L;
            var close = false;
            while (_queue.TryDequeue(out var reply))
            {
                if (reply.Kind == KeylessReplyKind.Close)
                {
                    close = true;
                    break;
                }

                if (!_isBroken && Write(reply))
                {
                    written++;
                }

                reply.ReturnBuffer();
                slots += reply.HoldsSlot ? 1 : 0;
                cost += reply.Cost;
            }

            if (written > 0)
            {
                await FlushOutputAsync().ConfigureAwait(false);
                if (!_isBroken)
                {
                    _flushed();
                }
            }

            // Written and flushed, or discarded with the transport gone: the bytes are free.
            _account.Release(cost);
            if (slots > 0)
            {
                _slots.Release(slots);
            }

            if (close)
            {
                await CompleteOutputAsync().ConfigureAwait(false);
                return; // keeps the drain flag: nothing is written after the close
            }

            Volatile.Write(ref _draining, 0);
            if (_queue.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private bool Write(in KeylessReply reply)
    {
        try
        {
            reply.WriteTo(_output);

            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            Break(e);
            return false;
        }
    }

    private async ValueTask FlushOutputAsync()
    {
        try
        {
            var result = await _output.FlushAsync().ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                Break(null);
            }
        }
        catch (Exception e)
        {
            // Reset, aborted or disposed transport: the client is gone either way.
            Break(e);
        }
    }

    private async ValueTask CompleteOutputAsync()
    {
        try
        {
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Break(e);
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    private void Break(Exception? error)
    {
        if (!_isBroken)
        {
            _isBroken = true;
            _broken(error);
        }
    }
}
