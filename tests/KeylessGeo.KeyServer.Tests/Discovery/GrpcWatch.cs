using Grpc.Core;
using Grpc.Net.Client;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Tests.Cluster;

namespace KeylessGeo.KeyServer.Tests.Discovery;

/// <summary>
/// One real <c>WatchKeyservers</c> call over gRPC, read list by list; every wait is bounded by the
/// hang guard, and every list's version is checked to be higher than the last.
/// </summary>
internal sealed class GrpcWatch : IDisposable
{
    private readonly CancellationTokenSource _guard = new(TimeSpan.FromMinutes(2));
    private readonly AsyncServerStreamingCall<KeyserverList> _call;
    private ulong _version;

    public GrpcWatch(GrpcChannel channel, string datacenter = "") =>
        _call = new Contracts.V1.KeyServer.KeyServerClient(channel).WatchKeyservers(
            new WatchKeyserversRequest { Datacenter = datacenter }, cancellationToken: _guard.Token);

    /// <summary>Every list read so far.</summary>
    public List<KeyserverList> Received { get; } = [];

    /// <summary>The next list.</summary>
    public async Task<KeyserverList> NextAsync()
    {
        Assert.True(await _call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(ClusterHarness.HangGuard), "the stream ended");
        var list = _call.ResponseStream.Current;
        Assert.True(list.Version > _version, $"version {list.Version} after {_version}");
        _version = list.Version;
        Received.Add(list);
        return list;
    }

    /// <summary>Reads lists until one satisfies <paramref name="condition"/> (fails after the hang guard).</summary>
    public async Task<KeyserverList> UntilAsync(Func<KeyserverList, bool> condition)
    {
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        while (true)
        {
            var list = await NextAsync().WaitAsync(guard.Token);
            if (condition(list))
            {
                return list;
            }
        }
    }

    /// <summary>Whether the stream ends (true) before another list arrives (false).</summary>
    public async Task<bool> EndsAsync() => !await _call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(ClusterHarness.HangGuard);

    /// <summary>The call's status once it has ended.</summary>
    public Status Status => _call.GetStatus();

    /// <summary>Cancels the call from the client's side.</summary>
    public void Cancel() => _guard.Cancel();

    public void Dispose()
    {
        _call.Dispose();
        _guard.Dispose();
    }
}
