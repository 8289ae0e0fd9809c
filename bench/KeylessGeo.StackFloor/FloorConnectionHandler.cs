using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace KeylessGeo.StackFloor;

/// <summary>
/// Layer 2's connection: frames read from Kestrel's input pipe, every whole frame of a read answered
/// into the output pipe, one flush per read (at one request in flight, one flush per response).
/// </summary>
internal sealed class FloorConnectionHandler(FloorKeys keys, FloorCounters counters) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        // A frame that spans pipe segments is copied here; the answer is made here and copied into the pipe.
        var frame = new byte[KeylessExchange.MaxFrame];
        var answer = new byte[KeylessExchange.MaxFrame];
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(connection.ConnectionClosed).ConfigureAwait(false);
                var buffer = result.Buffer;
                var close = Answer(ref buffer, output, frame, answer);
                input.AdvanceTo(buffer.Start, buffer.End);
                var flushed = await output.FlushAsync(connection.ConnectionClosed).ConfigureAwait(false);
                if (close || result.IsCompleted || flushed.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ConnectionResetException)
        {
            // The client went away: only this connection ends.
        }
    }

    /// <summary>Answers every whole frame in <paramref name="buffer"/> (left at the first unanswered byte); true when the connection must close.</summary>
    private bool Answer(ref ReadOnlySequence<byte> buffer, PipeWriter output, byte[] frame, byte[] answer)
    {
        Span<byte> header = stackalloc byte[KeylessExchange.Header];
        while (buffer.Length >= KeylessExchange.Header)
        {
            buffer.Slice(0, KeylessExchange.Header).CopyTo(header);
            if (KeylessExchange.IsBadVersion(header))
            {
                output.Write(answer.AsSpan(0, KeylessExchange.VersionError(header, answer, counters)));
                return true;
            }

            var frameLength = KeylessExchange.Header + KeylessExchange.BodyLength(header);
            if (buffer.Length < frameLength)
            {
                break;
            }

            var whole = buffer.Slice(0, frameLength);
            ReadOnlySpan<byte> span;
            if (whole.IsSingleSegment)
            {
                span = whole.FirstSpan;
            }
            else
            {
                whole.CopyTo(frame);
                span = frame.AsSpan(0, frameLength);
            }

            output.Write(answer.AsSpan(0, KeylessExchange.Answer(span, keys, counters, answer)));
            buffer = buffer.Slice(frameLength);
        }

        return false;
    }
}
