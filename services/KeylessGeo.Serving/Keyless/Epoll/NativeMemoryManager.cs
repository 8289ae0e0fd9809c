using System.Buffers;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>
/// A <see cref="Memory{T}"/> view of native memory owned by someone else (a connection's buffer), so
/// the codec's <see cref="ReadOnlySequence{T}"/> and <see cref="IBufferWriter{T}"/> paths run over it
/// without a copy. Made once per buffer allocation, never per request.
/// </summary>
internal sealed unsafe class NativeMemoryManager : MemoryManager<byte>
{
    private readonly byte* _pointer;
    private readonly int _length;

    public NativeMemoryManager(byte* pointer, int length)
    {
        _pointer = pointer;
        _length = length;
    }

    public override Span<byte> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin()
    {
        // Native memory does not move.
    }

    protected override void Dispose(bool disposing)
    {
        // The owner frees the memory.
    }
}
