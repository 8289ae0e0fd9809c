using System.Buffers;
using System.IO.Pipelines;
using KeylessGeo.Placement.Secrets;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>
/// A connection's input that zeroes every byte the HTTP server has consumed before the memory goes
/// back to Kestrel's pool. Request bodies carry private keys; without this, their raw bytes (and,
/// for chunked or HTTP/2 bodies, the framing copies) stay in pooled blocks until some later request
/// happens to overwrite them.
/// </summary>
internal sealed class ZeroingPipeReader : PipeReader
{
    private readonly PipeReader _inner;
    private ReadOnlySequence<byte> _lastRead;

    public ZeroingPipeReader(PipeReader inner) => _inner = inner;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var result = await _inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        _lastRead = result.Buffer;
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!_inner.TryRead(out result))
        {
            return false;
        }

        _lastRead = result.Buffer;
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        // Everything before 'consumed' is done with and will never be presented again.
        SecretBuffers.ZeroConsumed(_lastRead.Slice(_lastRead.Start, consumed));
        _lastRead = default;
        _inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);
}
