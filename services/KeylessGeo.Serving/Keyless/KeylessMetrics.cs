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
    // Slots of the request counter: one per distinct opcode tag value (NONE, each defined opcode,
    // UNKNOWN for the rest) times one per distinct wire error tag value (OK, each error, UNKNOWN).
    private static readonly (int[] SlotOf, string[] Names) OpcodeSlots = Slots(b => KeylessWireNames.Of((KeylessOpcode)b), KeylessWireNames.Of((KeylessOpcode?)null));
    private static readonly (int[] SlotOf, string[] Names) ErrorSlots = Slots(b => KeylessWireNames.Of((KeylessError)b), KeylessWireNames.Of((KeylessError?)null));
    private readonly SlottedCounter _requests;
    private readonly Counter<long> _framingErrors;
    private readonly Counter<long> _enforcedCloses;

    public KeylessMetrics(IMeterFactory meterFactory, ServingMeter meterName)
    {
        var meter = meterFactory.Create(meterName.Name);
        _connections = meter.CreateUpDownCounter<long>(ServingInstruments.KeylessConnections, "{connection}", "Open Keyless protocol connections.");
        _requests = new SlottedCounter(meter, ServingInstruments.KeylessRequests, "{request}", "Keyless protocol requests answered.", RequestSlotTags());
        _framingErrors = meter.CreateCounter<long>(ServingInstruments.KeylessFramingErrors, "{connection}", "Keyless connections closed by a framing error.");
        _enforcedCloses = meter.CreateCounter<long>(ServingInstruments.KeylessEnforcedCloses, "{connection}", "Keyless connections closed to enforce a timeout or the response budget.");
    }

    public void ConnectionOpened() => _connections.Add(1);

    public void ConnectionClosed() => _connections.Add(-1);

    /// <summary>Counts one answered request; <paramref name="error"/> is null on success.</summary>
    public void Request(KeylessOpcode? opcode, KeylessError? error) => _requests.Increment(RequestSlot(opcode, error));

    /// <summary>The requests counted so far with these tags (tests, diagnostics).</summary>
    public long RequestsTotal(KeylessOpcode? opcode, KeylessError? error) => _requests.Total(RequestSlot(opcode, error));

    private static int RequestSlot(KeylessOpcode? opcode, KeylessError? error)
    {
        var op = opcode is { } o ? OpcodeSlots.SlotOf[(byte)o] : 0;
        var code = error is { } e ? ErrorSlots.SlotOf[(byte)e] : 0;
        return (op * ErrorSlots.Names.Length) + code;
    }

    // Slot 0 is the absent value's name; each byte value gets the slot of its name, so every value
    // the protocol does not define shares the UNKNOWN slot.
    private static (int[] SlotOf, string[] Names) Slots(Func<byte, string> nameOf, string absent)
    {
        var names = new List<string> { absent };
        var slotOf = new int[256];
        for (var value = 0; value < 256; value++)
        {
            var name = nameOf((byte)value);
            var slot = names.IndexOf(name);
            if (slot < 0)
            {
                slot = names.Count;
                names.Add(name);
            }

            slotOf[value] = slot;
        }

        return (slotOf, names.ToArray());
    }

    private static KeyValuePair<string, object?>[][] RequestSlotTags()
    {
        var tags = new KeyValuePair<string, object?>[OpcodeSlots.Names.Length * ErrorSlots.Names.Length][];
        for (var op = 0; op < OpcodeSlots.Names.Length; op++)
        {
            for (var code = 0; code < ErrorSlots.Names.Length; code++)
            {
                tags[(op * ErrorSlots.Names.Length) + code] =
                [
                    new(ServingInstruments.KeylessOpcodeTag, OpcodeSlots.Names[op]),
                    new(ServingInstruments.KeylessErrorTag, ErrorSlots.Names[code]),
                ];
            }
        }

        return tags;
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
