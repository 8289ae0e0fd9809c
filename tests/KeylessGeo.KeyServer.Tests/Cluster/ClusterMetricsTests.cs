using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.KeyServer.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// The cluster instruments on the keyserver's meter: managed keys by state, applied revision,
/// last feed update, store failures and evictions (only this keyserver's meter is listened to).
/// </summary>
public sealed class ClusterMetricsTests : IAsyncLifetime, IDisposable
{
    private readonly TestClock _clock = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly MeterListener _listener = new();
    private readonly Dictionary<(string Name, string Tag), double> _values = [];
    private InMemoryControlPlaneStore _inner = null!;
    private FlakyControlPlaneStore _store = null!;
    private StoreSeeder _seeder = null!;
    private ClusterHarness _fra1 = null!;

    public async Task InitializeAsync()
    {
        _inner = new InMemoryControlPlaneStore(_clock);
        _store = new FlakyControlPlaneStore(_inner);
        _seeder = new StoreSeeder(_inner, _clock);
        await _seeder.SetTopologyAsync(StoreSeeder.FraAndSfo);
        _fra1 = await ClusterHarness.StartAsync(_store, "fra1", _clock);
        var meters = _fra1.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name.StartsWith("keylessgeo.keyserver.cluster.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
    }

    public async Task DisposeAsync()
    {
        await _fra1.DisposeAsync();
        _seeder.Dispose();
        await _store.DisposeAsync();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _key.Dispose();
    }

    [Fact]
    public async Task Gauges_ReportManagedKeysByState_TheAppliedRevision_AndTheLastFeedUpdate()
    {
        await StoreWaits.WhenWrappingKeysRegisteredAsync(_inner, "fra1");
        await _seeder.CreatePolicyAsync("eu-only", "region: EU");
        await _seeder.CreatePolicyAsync("us-only", "region: NA");
        await _seeder.ImportKeyAsync("k1", "eu-only", _key);
        var revision = await _seeder.ImportKeyAsync("k2", "us-only", _key);
        await _fra1.WhenAppliedAsync(revision);

        _listener.RecordObservableInstruments();

        Assert.Equal(1, Value(KeyServerInstruments.ManagedKeys, "servable"));
        Assert.Equal(1, Value(KeyServerInstruments.ManagedKeys, "denied"));
        Assert.Equal(0, Value(KeyServerInstruments.ManagedKeys, "unavailable"));
        Assert.Equal(revision, Value(KeyServerInstruments.AppliedRevision, ""));
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0, Value(KeyServerInstruments.FeedLastUpdate, ""));
    }

    [Fact]
    public async Task Counters_CountStoreFailuresByOperation_AndEvictedPrivateKeys()
    {
        await StoreWaits.WhenWrappingKeysRegisteredAsync(_inner, "fra1");
        await _seeder.CreatePolicyAsync("eu-only", "region: EU");
        await _fra1.WhenAppliedAsync(await _seeder.ImportKeyAsync("k1", "eu-only", _key));
        Assert.Null((await _fra1.SignAsync("k1", Operation.EcdsaSha256, new byte[32])).Error);

        await _fra1.WhenAppliedAsync(await _seeder.UpdatePolicyAsync("eu-only", "region: NA"));
        _store.Down = true;
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        await _store.WhenAsync(s => s.Failures > 0, guard.Token);
        await _store.WhenAsync(_ => Value(KeyServerInstruments.StoreFailures, "feed") > 0, guard.Token);

        Assert.Equal(1, Value(KeyServerInstruments.ManagedKeyEvictions, ""));
        Assert.True(Value(KeyServerInstruments.StoreFailures, "feed") >= 1);
    }

    private double Value(string name, string tag)
    {
        lock (_values)
        {
            return _values.GetValueOrDefault((name, tag));
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var tag = tags.Length > 0 ? (string)tags[0].Value! : "";
        lock (_values)
        {
            // Gauges report a current value; counters add up.
            _values[(instrument.Name, tag)] = instrument is ObservableInstrument<int> or ObservableInstrument<long> or ObservableInstrument<double>
                ? value
                : _values.GetValueOrDefault((instrument.Name, tag)) + value;
        }
    }
}
