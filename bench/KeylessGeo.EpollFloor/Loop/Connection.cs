using System.Runtime.InteropServices;
using KeylessGeo.EpollFloor.Native;
using KeylessGeo.Native;
using KeylessGeo.EpollFloor.Protocol;
using static KeylessGeo.EpollFloor.Protocol.KeylessWire;

namespace KeylessGeo.EpollFloor.Loop;

/// <summary>
/// One accepted TLS connection, driven only by the loop that owns it: its socket, its <c>SSL</c>, and
/// native input and output buffers allocated once (nothing per request). The same state machine as
/// the C floor's <c>drive()</c>: handshake, then read what the socket holds, answer every whole frame
/// with one <c>SSL_write</c> each, and go back to epoll.
/// </summary>
internal sealed unsafe class Connection
{
    /// <summary>Room for one whole frame after any partial one, so a read never starves on a full buffer.</summary>
    private const int InCapacity = 2 * MaxFrame;

    private readonly int _fd;
    private readonly nint _ssl;
    private readonly int _epoll;
    private readonly bool _oneShot;
    private RequestAnswerer _answerer = null!;
    private readonly byte* _in;
    private readonly byte* _out;
    private GCHandle _self;
    private bool _handshaken;
    private bool _closing;
    private uint _events;
    private int _inStart;
    private int _inEnd;
    private int _outLength;

    public Connection(int fd, nint ssl, int epoll, bool oneShot)
    {
        _fd = fd;
        _ssl = ssl;
        _epoll = epoll;
        _oneShot = oneShot;
        _in = (byte*)NativeMemory.Alloc(InCapacity);
        _out = (byte*)NativeMemory.Alloc(MaxFrame);
        _self = GCHandle.Alloc(this);
        _events = LibC.EpollIn;
    }

    /// <summary>The epoll data word that leads back to this connection.</summary>
    public ulong Token => (ulong)GCHandle.ToIntPtr(_self);

    /// <summary>The connection registered under <paramref name="token"/>.</summary>
    public static Connection FromToken(ulong token) => (Connection)GCHandle.FromIntPtr((nint)token).Target!;

    /// <summary>Adds the socket to its loop's epoll set; false (and the connection closed) when the kernel refused.</summary>
    public bool Register()
    {
        if (EpollEvents.Control(_epoll, LibC.EpollCtlAdd, _fd, LibC.EpollIn | (_oneShot ? LibC.EpollOneShot : 0), Token))
        {
            return true;
        }
        Close();
        return false;
    }

    /// <summary>
    /// Runs the connection as far as its socket allows. With read-ahead one read() takes everything the
    /// socket holds; the loop reads again only while OpenSSL still buffers records, and otherwise goes
    /// back to epoll (level-triggered), so a request costs one read and no EAGAIN read.
    /// </summary>
    public void Drive(RequestAnswerer answerer)
    {
        // The driving loop's signing contexts (with a shared epoll set, not always the same loop's).
        _answerer = answerer;
        if (!_handshaken)
        {
            var result = LibSsl.Accept(_ssl);
            if (result != 1)
            {
                WaitForSocket(result);
                return;
            }
            _handshaken = true;
        }
        var readMore = true;
        while (true)
        {
            if (_outLength > 0 && !Flush())
            {
                return;
            }
            if (_closing)
            {
                Close();
                return;
            }
            if (!AnswerFrames())
            {
                return;
            }
            if (_closing)
            {
                continue;
            }
            if (!readMore)
            {
                Want(LibC.EpollIn);
                return;
            }
            if (_inStart == _inEnd)
            {
                _inStart = _inEnd = 0;
            }
            else if (InCapacity - _inEnd < MaxFrame)
            {
                Buffer.MemoryCopy(_in + _inStart, _in, InCapacity, _inEnd - _inStart);
                _inEnd -= _inStart;
                _inStart = 0;
            }
            var got = LibSsl.Read(_ssl, _in + _inEnd, InCapacity - _inEnd);
            if (got <= 0)
            {
                WaitForSocket(got);
                return;
            }
            _inEnd += got;
            readMore = LibSsl.HasPending(_ssl) != 0;
        }
    }

    /// <summary>Answers every whole frame in the input; false when the connection waits for a write or was closed.</summary>
    private bool AnswerFrames()
    {
        while (_inEnd - _inStart >= Header)
        {
            var frame = _in + _inStart;
            if (frame[0] != 1)
            {
                // A version mismatch makes the stream unreadable: answer it, then close.
                _outLength = _answerer.PutError(_out, frame + 4, ErrorVersion);
                _closing = true;
                return Flush();
            }
            var bodyLength = (frame[2] << 8) | frame[3];
            if (_inEnd - _inStart < Header + bodyLength)
            {
                break;
            }
            _outLength = _answerer.Answer(frame, bodyLength, _out);
            _inStart += Header + bodyLength;
            if (!Flush())
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Writes the pending reply; true when it went out, false when the connection waits or was closed.</summary>
    private bool Flush()
    {
        // Without SSL_MODE_ENABLE_PARTIAL_WRITE a write is all or nothing, and a retry after WANT_WRITE
        // passes the same buffer and length, which stays put in native memory.
        var written = LibSsl.Write(_ssl, _out, _outLength);
        if (written > 0)
        {
            _outLength = 0;
            return true;
        }
        WaitForSocket(written);
        return false;
    }

    /// <summary>After an SSL call failed: wait for the socket, or close the connection.</summary>
    private void WaitForSocket(int result)
    {
        switch (LibSsl.GetError(_ssl, result))
        {
            case LibSsl.ErrorWantRead:
                Want(LibC.EpollIn);
                break;
            case LibSsl.ErrorWantWrite:
                Want(LibC.EpollOut);
                break;
            default:
                OpenSslErrors.Clear();
                Close();
                break;
        }
    }

    private void Want(uint events)
    {
        if (_oneShot)
        {
            // Armed for one event: re-armed after each, whatever it waits for.
            EpollEvents.Control(_epoll, LibC.EpollCtlMod, _fd, events | LibC.EpollOneShot, Token);
        }
        else if (_events != events)
        {
            EpollEvents.Control(_epoll, LibC.EpollCtlMod, _fd, events, Token);
            _events = events;
        }
    }

    private void Close()
    {
        LibSsl.Free(_ssl);
        LibC.Close(_fd); // also leaves the epoll set
        NativeMemory.Free(_in);
        NativeMemory.Free(_out);
        _self.Free();
    }
}
