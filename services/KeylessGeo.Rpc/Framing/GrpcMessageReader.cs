using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using KeylessGeo.Rpc.Status;

namespace KeylessGeo.Rpc.Framing;

/// <summary>
/// Reads length-prefixed messages from a <see cref="PipeReader"/>. After
/// <see cref="ReadNextAsync"/> returns true, <see cref="Payload"/> is valid until
/// <see cref="Consume"/> is called. Oversize and compressed messages are stream-fatal.
/// </summary>
internal sealed class GrpcMessageReader(PipeReader reader, int maxMessageSize)
{
    private SequencePosition _consumed;
    private bool _holding;

    /// <summary>The current message's bytes.</summary>
    public ReadOnlySequence<byte> Payload { get; private set; }

    /// <summary>Waits for the next message; false at a clean end of stream.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadNextAsync(CancellationToken cancellationToken)
    {
        if (_holding)
        {
            throw new InvalidOperationException("The previous message was not consumed.");
        }

        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var outcome = GrpcFrame.TryRead(buffer, maxMessageSize, out var compressed, out var length, out var payload, out var consumed);
            if (outcome == FrameReadResult.TooLarge)
            {
                reader.AdvanceTo(buffer.Start);
                throw new RpcException(
                    StatusCode.ResourceExhausted,
                    $"Received message exceeds the maximum configured message size ({length} > {maxMessageSize}).");
            }

            if (outcome == FrameReadResult.Message)
            {
                if (compressed)
                {
                    reader.AdvanceTo(buffer.Start);
                    throw new RpcException(StatusCode.Internal, "Received a compressed message, but no grpc-encoding was negotiated.");
                }

                Payload = payload;
                _consumed = consumed;
                _holding = true;
                return true;
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                if (!buffer.IsEmpty)
                {
                    throw new RpcException(StatusCode.Internal, "The stream ended in the middle of a message.");
                }

                return false;
            }

            if (result.IsCanceled)
            {
                reader.AdvanceTo(buffer.Start);
                throw new OperationCanceledException("The read was cancelled.");
            }

            // Not a whole message yet: examine everything, consume nothing.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Releases the current message's bytes back to the pipe.</summary>
    public void Consume()
    {
        if (_holding)
        {
            _holding = false;
            Payload = default;
            reader.AdvanceTo(_consumed);
        }
    }
}
