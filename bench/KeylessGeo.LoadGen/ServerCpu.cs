using System.Globalization;

namespace KeylessGeo.LoadGen;

/// <summary>
/// The server processes' CPU time (user + system, from <c>/proc/PID/stat</c>) over the measured
/// window, when <c>LOADGEN_SERVER_PID</c> names the server (or, comma-separated, every keyserver a
/// request passes through — the entry keyserver and the one that signs): CPU per operation is a
/// first-class figure beside throughput. Clock ticks are 1/100 s, so a 10 s window at thousands of operations
/// per second resolves well below a microsecond per operation.
/// </summary>
internal sealed class ServerCpu
{
    private const double TicksPerSecond = 100.0;
    private readonly int[] _pids;
    private readonly long _startTicks;

    private ServerCpu(int[] pids)
    {
        _pids = pids;
        _startTicks = ReadTicks(pids);
    }

    /// <summary>Starts measuring, or returns null when no server PID is configured.</summary>
    public static ServerCpu? StartFromEnvironment()
    {
        var pids = new List<int>();
        foreach (var part in (Environment.GetEnvironmentVariable("LOADGEN_SERVER_PID") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                throw new ArgumentException($"LOADGEN_SERVER_PID must be process ids separated by commas, got '{part}'");
            }

            pids.Add(pid);
        }

        return pids.Count > 0 ? new ServerCpu([.. pids]) : null;
    }

    /// <summary>Seconds of server CPU since <see cref="StartFromEnvironment"/>.</summary>
    public double ElapsedSeconds() => (ReadTicks(_pids) - _startTicks) / TicksPerSecond;

    private static long ReadTicks(int[] pids)
    {
        long total = 0;
        foreach (var pid in pids)
        {
            total += ReadTicks(pid);
        }

        return total;
    }

    private static long ReadTicks(int pid)
    {
        // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
