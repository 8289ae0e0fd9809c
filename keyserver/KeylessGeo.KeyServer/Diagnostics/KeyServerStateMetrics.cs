using System.Diagnostics.Metrics;
using KeylessGeo.KeyServer.Admission;
using KeylessGeo.KeyServer.Keys;
using Microsoft.Extensions.Hosting;

namespace KeylessGeo.KeyServer.Diagnostics;

/// <summary>
/// Gauges read from the keyserver's state at each collection: admission control (running,
/// queued, and both limits) and key counts. Created with the host (a hosted service), after the
/// key directory's first index.
/// </summary>
internal sealed class KeyServerStateMetrics : IHostedService
{
    public KeyServerStateMetrics(IMeterFactory meterFactory, AdmissionController admission, KeyStore keys)
    {
        var meter = meterFactory.Create(KeyServerInstruments.MeterName);
        meter.CreateObservableGauge(KeyServerInstruments.AdmissionInFlight, () => admission.Load.InFlight, "{request}", "Requests running on an admission worker.");
        meter.CreateObservableGauge(KeyServerInstruments.AdmissionQueued, () => admission.Load.Queued, "{request}", "Requests waiting for an admission worker.");
        meter.CreateObservableGauge(KeyServerInstruments.AdmissionWorkers, () => admission.Load.ConcurrencyLimit, "{worker}", "Admission workers: requests that may run at once.");
        meter.CreateObservableGauge(KeyServerInstruments.AdmissionQueueLimit, () => admission.Load.QueueLimit, "{request}", "Requests that may wait for a worker before new ones are answered OVERLOADED.");
        meter.CreateObservableGauge(KeyServerInstruments.Keys, () => keys.IndexedKeyCount, "{key}", "Keys served: the key directory's and the managed keys in force.");
        meter.CreateObservableGauge(KeyServerInstruments.LoadedPrivateKeys, () => keys.LoadedPrivateKeyCount, "{key}", "Private keys loaded in memory.");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
