using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>
/// A connection's decrypted input: native memory that <c>SSL_read</c> fills and the frame reader
/// consumes from the front. It starts small and grows (once, to a whole frame of the largest
/// accepted body plus room to read more) only for a connection that sends a frame that large, so
/// thousands of idle connections cost little. Used by its loop's thread only.
/// </summary>
internal sealed unsafe class EpollInput : IDisposable
{
    /// <summary>The starting size: a few padded requests.</summary>
    public const int InitialCapacity = 16 * 1024;

    private byte* _data;
    private int _capacity;
    private int _start;
    private int _end;
    private NativeMemoryManager _memory;

    public EpollInput()
    {
        _capacity = InitialCapacity;
        _data = (byte*)NativeMemory.Alloc((nuint)_capacity);
        _memory = new NativeMemoryManager(_data, _capacity);
    }

    /// <summary>Bytes read and not yet consumed.</summary>
    public int Length => _end - _start;

    /// <summary>The unconsumed bytes, as the frame reader takes them.</summary>
    public ReadOnlySequence<byte> Unread => new(_memory.Memory.Slice(_start, _end - _start));

    /// <summary>Where the next read may write.</summary>
    public byte* Free => _data + _end;

    /// <summary>Bytes the next read may write.</summary>
    public int FreeLength => _capacity - _end;

    /// <summary>Drops <paramref name="count"/> bytes from the front.</summary>
    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    /// <summary>Counts <paramref name="count"/> bytes a read put at <see cref="Free"/>.</summary>
    public void Advance(int count) => _end += count;

    /// <summary>
    /// Makes room for the rest of the message that starts the unread bytes (its length from its
    /// header when that has arrived), and for a useful read: moves the unread bytes to the front,
    /// and grows the buffer when the message would not fit.
    /// </summary>
    public void MakeRoom()
    {
        var needed = KeylessHeader.Size;
        if (Length >= KeylessHeader.Size)
        {
            needed += BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(_data + _start + 2, 2));
        }

        // In place when the message fits where it starts and a read has room worth a syscall.
        if (_start + needed <= _capacity && FreeLength >= Math.Min(1024, needed - Length))
        {
            return;
        }

        if (_start > 0)
        {
            Buffer.MemoryCopy(_data + _start, _data, _capacity, Length);
            _end -= _start;
            _start = 0;
        }

        if (_capacity < needed)
        {
            var capacity = Math.Max(needed, _capacity * 2);
            _data = (byte*)NativeMemory.Realloc(_data, (nuint)capacity);
            _capacity = capacity;
            _memory = new NativeMemoryManager(_data, _capacity);
        }
    }

    public void Dispose()
    {
        if (_data != null)
        {
            NativeMemory.Free(_data);
            _data = null;
            _start = _end = _capacity = 0;
        }
    }
}
