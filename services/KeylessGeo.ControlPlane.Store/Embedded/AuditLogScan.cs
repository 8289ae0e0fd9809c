using System.Buffers;
using System.Security.Cryptography;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>Reads a byte range of <c>audit.log</c> once: every byte into a hash, every complete line to a callback.</summary>
internal static class AuditLogScan
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>How much of the range was there, and how many bytes after its last newline.</summary>
    /// <param name="Read">Bytes read (less than asked when the file is shorter).</param>
    /// <param name="Trailing">Bytes of an unfinished last line.</param>
    public readonly record struct Result(long Read, long Trailing);

    /// <summary>
    /// Reads [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="path"/>, feeding
    /// every byte to <paramref name="hash"/> and each complete line (with its newline) to
    /// <paramref name="onLine"/> until it returns false.
    /// </summary>
    public static async Task<Result> ReadAsync(
        string path, long start, long end, IncrementalHash? hash, Func<byte[], bool>? onLine, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var line = new ArrayBufferWriter<byte>();
        var position = start;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, useAsync: true);
            stream.Position = start;
            var listening = onLine is not null;
            while (position < end)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(ChunkSize, end - position)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                position += read;
                hash?.AppendData(buffer, 0, read);
                var chunk = buffer.AsSpan(0, read);
                while (listening && !chunk.IsEmpty)
                {
                    var newline = chunk.IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        line.Write(chunk);
                        break;
                    }

                    line.Write(chunk[..(newline + 1)]);
                    chunk = chunk[(newline + 1)..];
                    var complete = line.WrittenSpan.ToArray();
                    line.ResetWrittenCount();
                    listening = onLine!(complete);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new Result(position - start, line.WrittenCount);
    }
}
