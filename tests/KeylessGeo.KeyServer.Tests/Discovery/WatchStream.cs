using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Discovery;
using KeylessGeo.KeyServer.Tests.Cluster;

namespace KeylessGeo.KeyServer.Tests.Discovery;

/// <summary>
/// Reads one <see cref="KeyserverWatch"/> stream list by list, each wait bounded by the hang
/// guard; disposing it cancels the stream as a caller going away would.
/// </summary>
internal sealed class WatchStream : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly IAsyncEnumerator<KeyserverList> _lists;
    private Task<bool>? _pending;

    public WatchStream(KeyserverWatch watch, string datacenter = "") =>
        _lists = watch.WatchAsync(new WatchKeyserversRequest { Datacenter = datacenter }, _cancel.Token).GetAsyncEnumerator();

    /// <summary>Starts waiting for the next list; true if it (or the end) is already there.</summary>
    public bool HasArrived => (_pending ??= _lists.MoveNextAsync().AsTask()).IsCompleted;

    /// <summary>The next list; fails if the stream ends or nothing arrives within the hang guard.</summary>
    public async Task<KeyserverList> NextAsync()
    {
        Assert.True(await MoveAsync(), "the stream ended");
        return _lists.Current;
    }

    /// <summary>Completes when the stream ends; fails if another list arrives first.</summary>
    public async Task EndAsync()
    {
        var more = await MoveAsync();
        Assert.False(more, more ? $"another list arrived: {_lists.Current}" : "");
    }

    /// <summary>Cancels the stream (the caller went away) and returns whether it then ended without an error.</summary>
    public async Task<bool> CancelAsync()
    {
        _pending ??= _lists.MoveNextAsync().AsTask();
        await _cancel.CancelAsync();
        return !await MoveAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_cancel.IsCancellationRequested)
        {
            _pending ??= _lists.MoveNextAsync().AsTask();
            await _cancel.CancelAsync();
        }

        if (_pending is { } pending)
        {
            await pending.WaitAsync(ClusterHarness.HangGuard);
        }

        await _lists.DisposeAsync();
        _cancel.Dispose();
    }

    private async Task<bool> MoveAsync()
    {
        var pending = _pending ?? _lists.MoveNextAsync().AsTask();
        _pending = null;
        return await pending.WaitAsync(ClusterHarness.HangGuard);
    }
}
