using System.IO.Pipelines;
using KeylessGeo.Keyless.Codec;

namespace KeylessGeo.Keyless.Client;

/// <summary>
/// The requests of one connection: allocates ids, serializes each frame into the outbound pipe
/// and tracks the requests awaiting an answer. One short lock covers the id, the pending map
/// and the pipe writer, so a frame's bytes and its table entry appear together; the lock is
/// never held across an await (the pipe never pauses its writer, so the flush is synchronous).
/// </summary>
internal sealed class RequestTable
{
    private readonly object _sync = new();
    private readonly Dictionary<uint, PendingEntry> _pending = [];
    private readonly PipeWriter _output;
    private readonly int _maxInFlight;
    private readonly bool _pad;
    private long _queuedBytes;
    private uint _nextId;
    private int _count;
    private bool _closed;

    public RequestTable(PipeWriter output, int maxInFlight, bool pad)
    {
        _output = output;
        _maxInFlight = maxInFlight;
        _pad = pad;
    }

    /// <summary>Requests awaiting an answer (a racy read, for load balancing).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>True once <see cref="Close"/> has run.</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>Queues <paramref name="operation"/> under a fresh id; <paramref name="error"/> explains <see cref="EnqueueStatus.Invalid"/>.</summary>
    public EnqueueStatus TryEnqueue(PendingRequest request, in KeylessOperationRequest operation, KeylessConnection connection, out string? error)
    {
        error = null;
        lock (_sync)
        {
            if (_closed)
            {
                return EnqueueStatus.Closed;
            }

            if (_count >= _maxInFlight)
            {
                return EnqueueStatus.Full;
            }

            var id = unchecked(++_nextId);
            while (_pending.ContainsKey(id))
            {
                id = unchecked(++_nextId);
            }

            try
            {
                // Validates every item before writing a byte: nothing is written when it throws.
                _queuedBytes += KeylessWriter.WriteRequest(_output, id, operation.ToWire(), _pad);
            }
            catch (ArgumentException ex)
            {
                error = ex.Message;
                return EnqueueStatus.Invalid;
            }

            _pending.Add(id, new PendingEntry(request, request.Attach(connection, id), _queuedBytes, operation.Opcode));
            _count++;

            // pauseWriterThreshold is 0: the flush completes at once and wakes the write loop.
            var flush = _output.FlushAsync(CancellationToken.None);
            _ = flush.IsCompleted ? flush.Result : default;
        }

        return EnqueueStatus.Queued;
    }

    /// <summary>Removes and returns the request waiting for <paramref name="id"/>, if any.</summary>
    public bool TryTake(uint id, out PendingEntry entry)
    {
        lock (_sync)
        {
            if (!_pending.Remove(id, out entry))
            {
                return false;
            }

            _count--;
            return true;
        }
    }

    /// <summary>Removes <paramref name="id"/> if it still belongs to that use of <paramref name="request"/> (after a deadline or cancellation).</summary>
    public void Forget(uint id, PendingRequest request, int generation)
    {
        lock (_sync)
        {
            if (_pending.TryGetValue(id, out var entry) && entry.Request == request && entry.Generation == generation)
            {
                _pending.Remove(id);
                _count--;
            }
        }
    }

    /// <summary>Refuses new requests, completes the pipe writer and hands back every waiting request (null when already closed).</summary>
    public PendingEntry[]? Close()
    {
        lock (_sync)
        {
            if (_closed)
            {
                return null;
            }

            _closed = true;
            _output.Complete();
            var entries = new PendingEntry[_pending.Count];
            _pending.Values.CopyTo(entries, 0);
            _pending.Clear();
            _count = 0;
            return entries;
        }
    }
}
