using System.Collections.Immutable;
using System.Threading.Channels;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Discovery;

/// <summary>
/// One open <c>WatchKeyservers</c> stream: the datacenter it watches, the list it was last
/// offered, and a one-slot mailbox holding the list it has yet to send. A new list replaces one
/// not yet sent (latest wins), so a stream that reads slowly costs one list of memory and never
/// holds up the refresh or other streams. <see cref="Offer"/> and <see cref="Complete"/> are
/// called by <see cref="KeyserverWatch"/> under its lock; the stream reads on its own.
/// </summary>
internal sealed class KeyserverWatcher
{
    private readonly Channel<ImmutableArray<KeyserverInfo>> _mailbox = Channel.CreateBounded<ImmutableArray<KeyserverInfo>>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });

    private ImmutableArray<KeyserverInfo>? _offered;

    public KeyserverWatcher(string datacenter) => Datacenter = datacenter;

    /// <summary>The datacenter this stream lists.</summary>
    public string Datacenter { get; }

    /// <summary>
    /// Offers this stream its part of <paramref name="known"/>: always when
    /// <paramref name="resend"/> is set (the first list, the periodic re-send), otherwise only when
    /// it differs from the last list offered. Returns whether a list was queued.
    /// </summary>
    public bool Offer(KnownKeyservers known, bool resend)
    {
        var keyservers = known.In(Datacenter);
        if (!resend && _offered is { } last && KnownKeyservers.Same(last, keyservers))
        {
            return false;
        }

        _offered = keyservers;
        return _mailbox.Writer.TryWrite(keyservers);
    }

    /// <summary>No more lists: the stream ends once it has sent the one queued, if any.</summary>
    public void Complete() => _mailbox.Writer.TryComplete();

    /// <summary>
    /// Waits for a list to send. False when the stream should end: completed with nothing left,
    /// or <paramref name="cancellationToken"/> fired (the caller went away).
    /// </summary>
    public async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _mailbox.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Takes the list to send, if one is queued.</summary>
    public bool TryTake(out ImmutableArray<KeyserverInfo> keyservers) => _mailbox.Reader.TryRead(out keyservers);
}
