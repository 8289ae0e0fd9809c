using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace KeylessGeo.StoreBench;

/// <summary>
/// Where a keyserver's start-up spends its time, for the feed benchmark: wall time per named
/// section (page reads, copying records off a page, indexing, the swap), with the process's CPU
/// time and the garbage collector's pauses and collections over the whole start-up, so a run on a
/// busy machine still says what the work itself cost.
/// </summary>
internal sealed class StartSections
{
    private readonly Dictionary<string, double> _milliseconds = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly TimeSpan _cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly TimeSpan _pauseBefore = GC.GetTotalPauseDuration();
    private readonly int[] _collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    private readonly long _allocatedBefore = GC.GetTotalAllocatedBytes();

    public T Time<T>(string section, Func<T> work)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return work();
        }
        finally
        {
            Add(section, started);
        }
    }

    public void Time(string section, Action work)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            work();
        }
        finally
        {
            Add(section, started);
        }
    }

    public async Task<T> TimeAsync<T>(string section, Func<Task<T>> work)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await work();
        }
        finally
        {
            Add(section, started);
        }
    }

    /// <summary>One line: wall seconds, each section, CPU seconds, GC pause seconds and collections, bytes allocated.</summary>
    public string Summary(double wallSeconds)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"  start-up {wallSeconds:F2} s wall:");
        foreach (var section in _order)
        {
            text.Append(CultureInfo.InvariantCulture, $" {section} {_milliseconds[section] / 1000:F2} s;");
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuBefore;
        var pause = GC.GetTotalPauseDuration() - _pauseBefore;
        text.Append(CultureInfo.InvariantCulture,
            $" CPU {cpu.TotalSeconds:F2} s; GC pauses {pause.TotalSeconds:F2} s, collections gen0/1/2 {GC.CollectionCount(0) - _collectionsBefore[0]}/" +
            $"{GC.CollectionCount(1) - _collectionsBefore[1]}/{GC.CollectionCount(2) - _collectionsBefore[2]}; allocated {(GC.GetTotalAllocatedBytes() - _allocatedBefore) / 1e6:F0} MB");
        return text.ToString();
    }

    private void Add(string section, long started)
    {
        lock (_milliseconds)
        {
            AddLocked(section, started);
        }
    }

    private void AddLocked(string section, long started)
    {
        if (!_milliseconds.ContainsKey(section))
        {
            _order.Add(section);
            _milliseconds[section] = 0;
        }

        _milliseconds[section] += Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
