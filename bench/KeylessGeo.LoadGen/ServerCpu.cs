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

    /// <summary>
    /// Starts measuring the processes <paramref name="variable"/> names (<c>LOADGEN_SERVER_PID</c>,
    /// or <c>LOADGEN_AGENT_PID</c> for an edge agent in front of the keyserver), or returns null
    /// when it names none.
    /// </summary>
    public static ServerCpu? StartFromEnvironment(string variable = "LOADGEN_SERVER_PID")
    {
        var pids = Pids(variable);
        return pids.Length > 0 ? new ServerCpu(pids) : null;
    }

    /// <summary>The process ids <paramref name="variable"/> names.</summary>
    public static int[] Pids(string variable)
    {
        var pids = new List<int>();
        foreach (var part in (Environment.GetEnvironmentVariable(variable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                throw new ArgumentException($"{variable} must be process ids separated by commas, got '{part}'");
            }

            pids.Add(pid);
        }

        return [.. pids];
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
