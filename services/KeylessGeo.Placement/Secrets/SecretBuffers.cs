using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace KeylessGeo.Placement.Secrets;

/// <summary>
/// Buffers for secret bytes and text: allocated on the pinned object heap (the garbage collector
/// never moves them, so zeroing one leaves no stale copy behind) and zeroed by their owner.
/// </summary>
public static class SecretBuffers
{
    /// <summary>A pinned, uninitialised byte array of <paramref name="length"/> bytes; the caller zeroes it.</summary>
    public static byte[] Bytes(int length) => GC.AllocateUninitializedArray<byte>(length, pinned: true);

    /// <summary>A pinned, uninitialised char array of <paramref name="length"/> chars; the caller zeroes it.</summary>
    public static char[] Chars(int length) => GC.AllocateUninitializedArray<char>(length, pinned: true);

    /// <summary>Zeroes <paramref name="buffer"/> (nothing when null).</summary>
    public static void Zero(byte[]? buffer)
    {
        if (buffer is not null)
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>Zeroes <paramref name="buffer"/> (nothing when null).</summary>
    public static void Zero(char[]? buffer)
    {
        if (buffer is not null)
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(buffer.AsSpan()));
        }
    }

    /// <summary>
    /// Zeroes memory someone else handed out read-only — a pipe's or a request body's buffer that
    /// the caller has consumed and is about to release. Only for buffers nobody reads again.
    /// </summary>
    public static void ZeroConsumed(in ReadOnlySequence<byte> consumed)
    {
        foreach (var segment in consumed)
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsMemory(segment).Span);
        }
    }
}
