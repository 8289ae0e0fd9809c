using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.Placement.Secrets;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>
/// Reads a request body that carries a secret into one pinned buffer the caller zeroes, zeroing
/// each piece of the server's own body buffers (Kestrel's pooled pipe memory, reused unzeroed by
/// later requests otherwise) before handing it back. Model binding and <c>Request.Body</c> would
/// leave those pieces, and the strings made from them, on the heap.
/// </summary>
internal static class SecretBodyReader
{
    private const int InitialBytes = 16 * 1024;

    /// <summary>The body, in a pinned buffer of at least <c>Length</c> bytes; the caller zeroes <c>Buffer</c>.</summary>
    public static async Task<(byte[] Buffer, int Length)> ReadAsync(HttpContext context, int maxBytes)
    {
        var declared = context.Request.ContentLength;
        if (declared > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var reader = context.Request.BodyReader;
        var buffer = SecretBuffers.Bytes(declared is > 0 ? (int)declared : InitialBytes);
        var length = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                Append(reader, result, ref buffer, ref length, maxBytes);
                if (result.IsCompleted)
                {
                    return (buffer, length);
                }
            }
        }
        catch
        {
            SecretBuffers.Zero(buffer);
            throw;
        }
    }

    /// <summary>
    /// Reads and zeroes a body nobody will use (a refused request's, which may still carry a private
    /// key), so that its bytes do not linger in the server's buffers; stops after
    /// <paramref name="maxBytes"/> (the server then closes the connection) or when the client goes.
    /// </summary>
    public static async Task DiscardAsync(HttpContext context, int maxBytes)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true)
        {
            return;
        }

        var reader = context.Request.BodyReader;
        long total = 0;
        try
        {
            while (total <= maxBytes)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                total += result.Buffer.Length;
                SecretBuffers.ZeroConsumed(result.Buffer);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is BadHttpRequestException or OperationCanceledException or IOException)
        {
            // Too large, too slow or abandoned: the request is refused either way.
        }
    }

    private static void Append(PipeReader reader, ReadResult result, ref byte[] buffer, ref int length, int maxBytes)
    {
        var data = result.Buffer;
        try
        {
            if (length + data.Length > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            if (length + data.Length > buffer.Length)
            {
                var larger = SecretBuffers.Bytes((int)Math.Min(maxBytes, Math.Max(buffer.Length * 2L, length + data.Length)));
                buffer.AsSpan(0, length).CopyTo(larger);
                SecretBuffers.Zero(buffer);
                buffer = larger;
            }

            data.CopyTo(buffer.AsSpan(length));
            length += (int)data.Length;
        }
        finally
        {
            // Consumed here and never read again: the pool gets the memory back zeroed.
            SecretBuffers.ZeroConsumed(data);
            reader.AdvanceTo(data.End);
        }
    }

    private static ControlPlaneException TooLarge(int maxBytes) =>
        ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, "(body)", $"the request body is larger than {maxBytes} bytes");
}
