namespace KeylessGeo.Testing.Keyless;

/// <summary>
/// The socket's stream under a test client's TLS: reads pass through; once <see cref="Hold"/> is
/// called, each write (one TLS record, as <see cref="System.Net.Security.SslStream"/> writes a short
/// message) is kept until the test sends it, so the test decides how the ciphertext is cut into TCP
/// segments: whole records and part of the next one in a single send, the rest later.
/// </summary>
public sealed class HeldWritesStream(Stream inner) : Stream
{
    private readonly List<byte[]> _held = [];
    private bool _holding;

    /// <summary>The writes kept so far, each as written (a TLS record each).</summary>
    public IReadOnlyList<byte[]> Held => _held;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Keeps every write from now on.</summary>
    public void Hold() => _holding = true;

    /// <summary>
    /// Sends, in one write, the bytes held from the first kept write on up to <paramref name="count"/>
    /// bytes, and keeps the rest.
    /// </summary>
    public async Task SendAsync(int count, CancellationToken cancellationToken)
    {
        var all = _held.SelectMany(write => write).ToArray();
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, all.Length);
        _held.Clear();
        if (count < all.Length)
        {
            _held.Add(all[count..]);
        }

        await inner.WriteAsync(all.AsMemory(0, count), cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (_holding)
        {
            _held.Add(buffer.AsSpan(offset, count).ToArray());
        }
        else
        {
            inner.Write(buffer, offset, count);
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_holding)
        {
            return inner.WriteAsync(buffer, cancellationToken);
        }

        _held.Add(buffer.ToArray());
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
        if (!_holding)
        {
            inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _holding ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
