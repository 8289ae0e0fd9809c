using System.Diagnostics;

namespace KeylessGeo.LoadGen;

/// <summary>
/// Records latencies of one worker without locks (one writer per recorder); recorders are
/// merged after the run. Only samples taken while <see cref="Measuring"/> is set count.
/// </summary>
public sealed class LatencyRecorder
{
    private long[] _ticks = new long[1 << 16];
    private int _count;

    /// <summary>Whether samples are being kept (false during warm-up and after the end).</summary>
    public static bool Measuring { get; set; }

    /// <summary>Successful operations recorded.</summary>
    public int Count => _count;

    /// <summary>Failed operations seen while measuring, by error name.</summary>
    public Dictionary<string, long> Errors { get; } = [];

    /// <summary>Records one success that started at <paramref name="startTimestamp"/>.</summary>
    public void Success(long startTimestamp)
    {
        if (!Measuring)
        {
            return;
        }

        if (_count == _ticks.Length)
        {
            Array.Resize(ref _ticks, _ticks.Length * 2);
        }

        _ticks[_count++] = Stopwatch.GetTimestamp() - startTimestamp;
    }

    /// <summary>Records one failure.</summary>
    public void Failure(string error)
    {
        if (Measuring)
        {
            Errors[error] = Errors.GetValueOrDefault(error) + 1;
        }
    }

    /// <summary>Moves the samples and errors of <paramref name="others"/> into this recorder.</summary>
    public void Absorb(IEnumerable<LatencyRecorder> others)
    {
        foreach (var other in others)
        {
            for (var i = 0; i < other._count; i++)
            {
                if (_count == _ticks.Length)
                {
                    Array.Resize(ref _ticks, _ticks.Length * 2);
                }

                _ticks[_count++] = other._ticks[i];
            }

            foreach (var (error, count) in other.Errors)
            {
                Errors[error] = Errors.GetValueOrDefault(error) + count;
            }
        }
    }

    /// <summary>All samples of all recorders, sorted, in microseconds.</summary>
    public static double[] MergeMicroseconds(IEnumerable<LatencyRecorder> recorders)
    {
        var all = new List<double>();
        foreach (var recorder in recorders)
        {
            for (var i = 0; i < recorder._count; i++)
            {
                all.Add(recorder._ticks[i] * 1_000_000.0 / Stopwatch.Frequency);
            }
        }

        all.Sort();
        return [.. all];
    }

    /// <summary>The <paramref name="quantile"/> of sorted samples (nearest rank).</summary>
    public static double Percentile(double[] sorted, double quantile)
        => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
