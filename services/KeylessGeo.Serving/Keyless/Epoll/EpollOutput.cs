using System.Buffers;
using System.Runtime.InteropServices;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>
/// A connection's replies not yet taken by <c>SSL_write</c>: native memory the codec writes into
/// (an <see cref="IBufferWriter{T}"/>) and the connection drains from the front, so replies that
/// queue up while the client is slow go out together, many per TLS record. Bounded by the
/// response budget the replies' requests reserved. Used by its loop's thread only.
/// </summary>
internal sealed unsafe class EpollOutput : IBufferWriter<byte>, IDisposable
{
    private const int InitialCapacity = 4 * 1024;

    private byte* _data;
    private int _capacity;
    private int _start;
    private int _end;
    private NativeMemoryManager _memory;

    public EpollOutput()
    {
        _capacity = InitialCapacity;
        _data = (byte*)NativeMemory.Alloc((nuint)_capacity);
        _memory = new NativeMemoryManager(_data, _capacity);
    }

    /// <summary>Bytes written and not yet sent.</summary>
    public int Length => _end - _start;

    /// <summary>The first byte not yet sent.</summary>
    public byte* Unsent => _data + _start;

    /// <summary>Drops <paramref name="count"/> sent bytes from the front.</summary>
    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    public void Advance(int count) => _end += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _memory.Memory[_end..];
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return new Span<byte>(_data + _end, _capacity - _end);
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

    // A write that OpenSSL must retry (WANT_WRITE) may move with the buffer: the context sets
    // SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, and the unsent bytes keep their order.
    private void Reserve(int sizeHint)
    {
        var wanted = Math.Max(sizeHint, 256);
        if (_capacity - _end >= wanted)
        {
            return;
        }

        if (_start > 0)
        {
            Buffer.MemoryCopy(_data + _start, _data, _capacity, Length);
            _end -= _start;
            _start = 0;
        }

        if (_capacity - _end < wanted)
        {
            var capacity = Math.Max(_end + wanted, _capacity * 2);
            _data = (byte*)NativeMemory.Realloc(_data, (nuint)capacity);
            _capacity = capacity;
            _memory = new NativeMemoryManager(_data, _capacity);
        }
    }
}
