using System.Diagnostics;
using System.Globalization;

namespace KeylessGeo.LoadGen;

/// <summary>
/// An optional rate limit for the closed-loop modes, from <c>LOADGEN_RATE</c> (operations per second
/// over the whole run): each request slot sends on its own fixed schedule (rate / slots apart) and
/// never earlier, so the server sees a steady load below its peak and the latencies recorded are the
/// server's at that load. A slot behind its schedule sends at once; the schedule does not slip, so an
/// oversleeping timer is made up by the next sends. Without the variable nothing waits.
/// </summary>
public sealed class LoadPacing
{
    private readonly long _interval;
    private readonly long[] _due;

    private LoadPacing(double perSlotPerSecond, int slots)
    {
        _interval = (long)(Stopwatch.Frequency / perSlotPerSecond);
        _due = new long[slots];
        var now = Stopwatch.GetTimestamp();
        for (var slot = 0; slot < slots; slot++)
        {
            // Spread the slots over one interval so they do not send in step.
            _due[slot] = now + _interval * slot / slots;
        }
    }

    /// <summary>The rate of the whole run, or null when the run is not paced.</summary>
    public static double? RateFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("LOADGEN_RATE");
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0
            ? rate
            : throw new ArgumentException($"LOADGEN_RATE must be a positive number of operations per second, got '{text}'");
    }

    /// <summary>Pacing for one connection with <paramref name="slots"/> requests in flight, or null when the run is not paced.</summary>
    public static LoadPacing? ForConnection(LoadSettings settings, int slots)
    {
        return RateFromEnvironment() is { } rate ? new LoadPacing(rate / settings.Connections / slots, slots) : null;
    }

    /// <summary>Waits until <paramref name="slot"/> may send its next request.</summary>
    public ValueTask WaitAsync(int slot)
    {
        var due = _due[slot];
        _due[slot] = due + _interval;
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        return wait > TimeSpan.Zero ? new ValueTask(Task.Delay(wait)) : ValueTask.CompletedTask;
    }
}
