using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Capacity;
using KeylessGeo.KeyServer.Discovery;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Tests.Cluster;
using KeylessGeo.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.KeyServer.Tests.Discovery;

/// <summary>
/// <c>WatchKeyservers</c> over real gRPC with mutual TLS against a keyserver outside any cluster:
/// it lists itself, with the endpoints it really bound and the capacity it measured.
/// </summary>
public sealed class StandaloneWatchKeyserversTests : IAsyncLifetime
{
    private readonly TestKeyDirectory _keys = new();
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly RecordingLoggerProvider _logs = new();
    private KeyServerTestHost _host = null!;
    private GrpcChannel _channel = null!;
    private Task? _stopped;

    public async Task InitializeAsync()
    {
        _host = await KeyServerTestHost.StartAsync(_keys.Path, _tls, new KeyServerTestHostOptions
        {
            Settings = new Dictionary<string, string?>
            {
                ["Discovery:RefreshInterval"] = "00:00:00.2",
                ["Logging:LogLevel:KeylessGeo.KeyServer.Discovery"] = "Debug",
            },
            LoggerProviders = [_logs],
        });
        _channel = _host.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await (_stopped ??= _host.DisposeAsync().AsTask());
        _keys.Dispose();
        _tls.Dispose();
    }

    [Fact]
    public async Task WatchKeyservers_ListsItselfWithItsBoundEndpointsAndMeasuredCapacity()
    {
        _host.Services.GetRequiredService<CapacityState>().Record(KeyAlgorithm.EcdsaP256, TimeSpan.FromMilliseconds(1), workers: 2);
        using var watch = new GrpcWatch(_channel);

        var list = await watch.NextAsync();

        Assert.Equal(1ul, list.Version);
        Assert.Equal(KeyServerTestHost.KeyServerId, list.ServedBy.KeyserverId);
        var self = Assert.Single(list.Keyservers);
        Assert.Equal(KeyServerTestHost.KeyServerId, self.KeyserverId);
        Assert.Equal(KeyServerTestHost.Datacenter, self.Datacenter);
        Assert.Equal(new[] { _host.Address.GetLeftPart(UriPartial.Authority) }, self.GrpcEndpoints);
        Assert.Equal(new[] { string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{_host.KeylessEndPoint!.Port}") }, self.KeylessEndpoints);
        var capacity = await new Contracts.V1.KeyServer.KeyServerClient(_channel).GetCapacityAsync(new GetCapacityRequest());
        Assert.Equal(capacity.Algorithms, self.Algorithms);
        Assert.Equal("ecdsa-p256", Assert.Single(self.Algorithms).Algorithm);
        Assert.Equal(2000, self.Algorithms[0].OperationsPerSecond, precision: 6);
        Assert.Equal(capacity.Accelerator, self.Accelerator);
        Assert.True(self.Serving);
        Assert.Equal("", self.Region);
    }

    [Fact]
    public async Task WatchKeyservers_SendsTheListAgainEachRefreshInterval_AndANewCapacityWhenMeasured()
    {
        using var watch = new GrpcWatch(_channel);
        var first = await watch.NextAsync();

        var again = await watch.NextAsync();
        _host.Services.GetRequiredService<CapacityState>().Record(KeyAlgorithm.Rsa2048, TimeSpan.FromMilliseconds(2), workers: 2);
        var measured = await watch.UntilAsync(l => l.Keyservers.Single().Algorithms.Any(a => a.Algorithm == "rsa2048"));

        Assert.Equal(first.Keyservers, again.Keyservers);
        Assert.Equal(1000, measured.Keyservers.Single().Algorithms.Single(a => a.Algorithm == "rsa2048").OperationsPerSecond, precision: 6);
    }

    [Fact]
    public async Task WatchKeyservers_ForItsOwnDatacenterByName_ListsItself_AndForAnotherIsNotFound()
    {
        using var own = new GrpcWatch(_channel, KeyServerTestHost.Datacenter);
        using var other = new GrpcWatch(_channel, "fra1");

        Assert.Equal(KeyServerTestHost.KeyServerId, (await own.NextAsync()).Keyservers.Single().KeyserverId);
        var refused = await Assert.ThrowsAsync<RpcException>(other.NextAsync);
        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
        Assert.Contains("No datacenter 'fra1'", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchKeyservers_CancelledByTheCaller_EndsCleanly_AndTheKeyserverForgetsTheStream()
    {
        using (var watch = new GrpcWatch(_channel))
        {
            await watch.NextAsync();
            Assert.Equal(1, _host.Services.GetRequiredService<KeyserverWatch>().Watchers);
            watch.Cancel();
            await _logs.WhenLoggedAsync("WatchEnded");
        }

        Assert.Equal(0, _host.Services.GetRequiredService<KeyserverWatch>().Watchers);
        using var next = new GrpcWatch(_channel);
        Assert.Single((await next.NextAsync()).Keyservers);
        Assert.Empty(_host.ErrorLogs);
    }

    [Fact]
    public async Task WhenTheKeyserverStops_TheStreamGetsALastListWithItNotServing_AndEndsWithOk()
    {
        using var watch = new GrpcWatch(_channel);
        await watch.NextAsync();

        var stopping = _stopped = _host.DisposeAsync().AsTask();
        var last = await watch.UntilAsync(l => !l.Keyservers.Single().Serving);
        var ended = await watch.EndsAsync();
        await stopping.WaitAsync(ClusterHarness.HangGuard);

        Assert.False(last.Keyservers.Single().Serving);
        Assert.True(ended);
        Assert.Equal(StatusCode.OK, watch.Status.StatusCode);
        Assert.Empty(_host.ErrorLogs);
    }
}
