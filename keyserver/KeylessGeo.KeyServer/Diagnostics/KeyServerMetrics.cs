using System.Diagnostics;
using System.Diagnostics.Metrics;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Signing;

namespace KeylessGeo.KeyServer.Diagnostics;

/// <summary>The keyserver core's instruments, created once through <see cref="IMeterFactory"/>.</summary>
internal sealed class KeyServerMetrics
{
    private readonly Counter<long> _operations;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _queueWait;
    private readonly Counter<long> _keyReloads;

    public KeyServerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(KeyServerInstruments.MeterName);
        _operations = meter.CreateCounter<long>(KeyServerInstruments.Operations, "{operation}", "Finished private-key requests.");
        _duration = meter.CreateHistogram<double>(KeyServerInstruments.OperationDuration, "s", "Time from request to response.");
        _queueWait = meter.CreateHistogram<double>(KeyServerInstruments.QueueWait, "s", "Time a request waited for a worker.");
        _keyReloads = meter.CreateCounter<long>(KeyServerInstruments.KeyReloads, "{reload}", "Key directory reloads after a change or SIGHUP.");
    }

    public void RecordOperation(Operation operation, string algorithm, ErrorCode error, TimeSpan duration)
    {
        var tags = new TagList
        {
            { KeyServerInstruments.OperationTag, WireNames.TagOf(operation) },
            { KeyServerInstruments.AlgorithmTag, algorithm },
            { KeyServerInstruments.ErrorCodeTag, error == ErrorCode.Unspecified ? "OK" : WireNames.Of(error) },
        };
        _operations.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>Counts one key directory reload; <paramref name="result"/> is a <see cref="KeyServerInstruments.ReloadResultTag"/> value.</summary>
    public void RecordKeyReload(string result) =>
        _keyReloads.Add(1, new KeyValuePair<string, object?>(KeyServerInstruments.ReloadResultTag, result));

    public void RecordQueueWait(string algorithm, TimeSpan wait) =>
        _queueWait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>(KeyServerInstruments.AlgorithmTag, algorithm));
}
