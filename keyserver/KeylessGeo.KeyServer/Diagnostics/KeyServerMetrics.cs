using System.Diagnostics;
using System.Diagnostics.Metrics;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.Serving.Diagnostics;

namespace KeylessGeo.KeyServer.Diagnostics;

/// <summary>The keyserver core's instruments, created once through <see cref="IMeterFactory"/>.</summary>
internal sealed class KeyServerMetrics
{
    /// <summary>The algorithm tag of a request whose key was not found.</summary>
    public const string UnknownAlgorithm = "unknown";

    // Slots of the operation counter: every contract operation plus one for any other number,
    // every algorithm plus one for "no key", every error code (0 is success, "OK").
    private static readonly bool[] DefinedOperations = DefinedValues<Operation>();
    private static readonly int Operations = DefinedOperations.Length + 1;
    private static readonly int Algorithms = KeyAlgorithms.All.Count + 1;
    private static readonly int ErrorCodes = DefinedValues<ErrorCode>().Length;
    private static readonly KeyValuePair<string, object?>[][] OperationTags = OperationSlotTags();
    private readonly SlottedCounter _operations;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _queueWait;
    private readonly Counter<long> _keyReloads;

    public KeyServerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(KeyServerInstruments.MeterName);
        _operations = new SlottedCounter(meter, KeyServerInstruments.Operations, "{operation}", "Finished private-key requests.", OperationTags);
        _duration = meter.CreateHistogram<double>(KeyServerInstruments.OperationDuration, "s", "Time from request to response.");
        _queueWait = meter.CreateHistogram<double>(KeyServerInstruments.QueueWait, "s", "Time a request waited for a worker.");
        _keyReloads = meter.CreateCounter<long>(KeyServerInstruments.KeyReloads, "{reload}", "Key directory reloads after a change or SIGHUP.");
    }

    /// <summary>Counts one finished request and records its duration; <paramref name="algorithm"/> is null when no key was found.</summary>
    public void RecordOperation(Operation operation, KeyAlgorithm? algorithm, ErrorCode error, TimeSpan duration)
    {
        var slot = OperationSlot(operation, algorithm, error);
        _operations.Increment(slot);
        if (_duration.Enabled)
        {
            _duration.Record(duration.TotalSeconds, OperationTags[slot]);
        }
    }

    /// <summary>The total of <see cref="KeyServerInstruments.Operations"/> for these tags so far (tests, diagnostics).</summary>
    internal long OperationsTotal(Operation operation, KeyAlgorithm? algorithm, ErrorCode error) => _operations.Total(OperationSlot(operation, algorithm, error));

    // Operations outside the contract share the last operation slot (OPERATION_UNKNOWN), keys not
    // found the last algorithm slot ("unknown"): a client cannot create unbounded time series.
    private static int OperationSlot(Operation operation, KeyAlgorithm? algorithm, ErrorCode error)
    {
        var op = (uint)operation < (uint)DefinedOperations.Length && DefinedOperations[(int)operation] ? (int)operation : Operations - 1;
        var alg = algorithm is { } known ? (int)known : Algorithms - 1;
        var code = (uint)error < (uint)ErrorCodes ? (int)error : (int)ErrorCode.Internal;
        return (((op * Algorithms) + alg) * ErrorCodes) + code;
    }

    private static bool[] DefinedValues<TEnum>()
        where TEnum : struct, Enum
    {
        var values = Enum.GetValues<TEnum>().Select(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var defined = new bool[values.Max() + 1];
        foreach (var value in values)
        {
            defined[value] = true;
        }

        return defined;
    }

    private static KeyValuePair<string, object?>[][] OperationSlotTags()
    {
        var tags = new KeyValuePair<string, object?>[Operations * Algorithms * ErrorCodes][];
        for (var op = 0; op < Operations; op++)
        {
            for (var alg = 0; alg < Algorithms; alg++)
            {
                for (var code = 0; code < ErrorCodes; code++)
                {
                    tags[(((op * Algorithms) + alg) * ErrorCodes) + code] =
                    [
                        new(KeyServerInstruments.OperationTag, op == Operations - 1 ? WireNames.TagOf((Operation)(-1)) : WireNames.TagOf((Operation)op)),
                        new(KeyServerInstruments.AlgorithmTag, alg == Algorithms - 1 ? UnknownAlgorithm : KeyAlgorithms.All[alg].Name()),
                        new(KeyServerInstruments.ErrorCodeTag, code == 0 ? "OK" : WireNames.Of((ErrorCode)code)),
                    ];
                }
            }
        }

        return tags;
    }

    /// <summary>Counts one key directory reload; <paramref name="result"/> is a <see cref="KeyServerInstruments.ReloadResultTag"/> value.</summary>
    public void RecordKeyReload(string result) =>
        _keyReloads.Add(1, new KeyValuePair<string, object?>(KeyServerInstruments.ReloadResultTag, result));

    public void RecordQueueWait(string algorithm, TimeSpan wait) =>
        _queueWait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>(KeyServerInstruments.AlgorithmTag, algorithm));
}
