using System.Diagnostics;
using System.Diagnostics.Metrics;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Diagnostics;

namespace KeylessGeo.Serving.Keyless;

/// <summary>The Keyless listener's instruments, on the keyserver's meter (names in <see cref="ServingInstruments"/>).</summary>
internal sealed class KeylessMetrics
{
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _framingErrors;
    private readonly Counter<long> _enforcedCloses;

    public KeylessMetrics(IMeterFactory meterFactory, ServingMeter meterName)
    {
        var meter = meterFactory.Create(meterName.Name);
        _connections = meter.CreateUpDownCounter<long>(ServingInstruments.KeylessConnections, "{connection}", "Open Keyless protocol connections.");
        _requests = meter.CreateCounter<long>(ServingInstruments.KeylessRequests, "{request}", "Keyless protocol requests answered.");
        _framingErrors = meter.CreateCounter<long>(ServingInstruments.KeylessFramingErrors, "{connection}", "Keyless connections closed by a framing error.");
        _enforcedCloses = meter.CreateCounter<long>(ServingInstruments.KeylessEnforcedCloses, "{connection}", "Keyless connections closed to enforce a timeout or the response budget.");
    }

    public void ConnectionOpened() => _connections.Add(1);

    public void ConnectionClosed() => _connections.Add(-1);

    /// <summary>Counts one answered request; <paramref name="error"/> is null on success.</summary>
    public void Request(KeylessOpcode? opcode, KeylessError? error)
    {
        if (_requests.Enabled)
        {
            var tags = new TagList
            {
                { ServingInstruments.KeylessOpcodeTag, KeylessWireNames.Of(opcode) },
                { ServingInstruments.KeylessErrorTag, KeylessWireNames.Of(error) },
            };
            _requests.Add(1, tags);
        }
    }

    /// <summary>Counts a connection closed to enforce <paramref name="reason"/>.</summary>
    public void EnforcedClose(KeylessCloseReason reason) =>
        _enforcedCloses.Add(1, new KeyValuePair<string, object?>(ServingInstruments.KeylessLimitTag, LimitName(reason)));

    public void FramingError(KeylessFrameStatus status) =>
        _framingErrors.Add(1, new KeyValuePair<string, object?>(ServingInstruments.KeylessErrorTag, KeylessWireNames.Of(KeylessErrorMap.ForFraming(status))));

    internal static string LimitName(KeylessCloseReason reason) => reason switch
    {
        KeylessCloseReason.IdleTimeout => "idle_timeout",
        KeylessCloseReason.PartialMessageTimeout => "partial_message_timeout",
        KeylessCloseReason.ResponseBudget => "response_budget",
        _ => "none",
    };
}
