using System.Globalization;

namespace KeylessGeo.LoadGen;

/// <summary>
/// The server process's CPU time (user + system, from <c>/proc/PID/stat</c>) over the measured
/// window, when <c>LOADGEN_SERVER_PID</c> names the server: CPU per operation is a first-class
/// figure beside throughput. Clock ticks are 1/100 s, so a 10 s window at thousands of operations
/// per second resolves well below a microsecond per operation.
/// </summary>
internal sealed class ServerCpu
{
    private const double TicksPerSecond = 100.0;
    private readonly int _pid;
    private readonly long _startTicks;

    private ServerCpu(int pid)
    {
        _pid = pid;
        _startTicks = ReadTicks(pid);
    }

    /// <summary>Starts measuring, or returns null when no server PID is configured.</summary>
    public static ServerCpu? StartFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("LOADGEN_SERVER_PID"), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? new ServerCpu(pid)
            : null;

    /// <summary>Seconds of server CPU since <see cref="StartFromEnvironment"/>.</summary>
    public double ElapsedSeconds() => (ReadTicks(_pid) - _startTicks) / TicksPerSecond;

    private static long ReadTicks(int pid)
    {
        // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
