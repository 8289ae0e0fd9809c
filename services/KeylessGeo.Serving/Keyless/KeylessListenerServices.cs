using KeylessGeo.Serving.Connections;
using KeylessGeo.Serving.Signing;

namespace KeylessGeo.Serving.Keyless;

/// <summary>What every connection of the Keyless listener shares.</summary>
internal sealed class KeylessListenerServices
{
    /// <param name="signing">The signing core.</param>
    /// <param name="keyTypes">Tells a key-type mismatch from other bad requests.</param>
    /// <param name="metrics">The listener's instruments.</param>
    /// <param name="budget">The process-wide budget for queued responses.</param>
    /// <param name="time">The clock of the idle and partial-message timeouts.</param>
    /// <param name="options">The listener's options.</param>
    public KeylessListenerServices(ISigningService signing, IOperationSupport keyTypes, KeylessMetrics metrics, ResponseBudget budget, TimeProvider time, KeylessOptions options)
    {
        Signing = signing;
        KeyTypes = keyTypes;
        Metrics = metrics;
        Budget = budget;
        Time = time;
        MaxInFlightPerConnection = options.MaxInFlightPerConnection;
        MaxBodyLength = options.MaxBodyLength;
        IdleTimeout = Ticks(options.IdleTimeout, time);
        PartialMessageTimeout = Ticks(options.PartialMessageTimeout, time);
        Dispatcher = new KeylessRequestDispatcher(this);
    }

    /// <summary>The protocol's request logic, shared by the transports.</summary>
    public KeylessRequestDispatcher Dispatcher { get; }

    public ISigningService Signing { get; }

    public IOperationSupport KeyTypes { get; }

    public KeylessMetrics Metrics { get; }

    public ResponseBudget Budget { get; }

    public TimeProvider Time { get; }

    /// <summary>Requests read and not yet answered, per connection.</summary>
    public int MaxInFlightPerConnection { get; }

    /// <summary>The largest body accepted.</summary>
    public int MaxBodyLength { get; }

    /// <summary>The idle timeout in <see cref="Time"/> timestamp ticks.</summary>
    public long IdleTimeout { get; }

    /// <summary>The partial-message timeout in <see cref="Time"/> timestamp ticks.</summary>
    public long PartialMessageTimeout { get; }

    private static long Ticks(TimeSpan span, TimeProvider time) => (long)Math.Min(span.TotalSeconds * time.TimestampFrequency, long.MaxValue / 4);
}
