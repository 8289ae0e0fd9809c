using System.Diagnostics;

namespace KeylessGeo.StackFloor;

/// <summary>What the server answered, and its CPU per answer over its whole life, printed at exit like the C floor's line.</summary>
internal sealed class FloorCounters
{
    private long _signed;
    private long _pongs;
    private long _errors;

    public void Signed() => Interlocked.Increment(ref _signed);

    public void Pong() => Interlocked.Increment(ref _pongs);

    public void Error() => Interlocked.Increment(ref _errors);

    /// <summary>
    /// One line in the C floor's format (<c>cpu_us_per_op=</c> is what scripts/bench-floor.sh reads).
    /// Whole life: .NET's start-up and JIT are in it, so it is higher than the LoadGen's /proc window.
    /// </summary>
    public string Report()
    {
        using var process = Process.GetCurrentProcess();
        var user = process.UserProcessorTime.TotalSeconds;
        var system = process.PrivilegedProcessorTime.TotalSeconds;
        var signed = Interlocked.Read(ref _signed);
        var pongs = Interlocked.Read(ref _pongs);
        var errors = Interlocked.Read(ref _errors);
        var answered = signed + pongs + errors;
        var perOp = answered > 0 ? (user + system) * 1e6 / answered : 0;
        return FormattableString.Invariant(
            $"stack-floor: answered={answered} signed={signed} pongs={pongs} errors={errors} user_s={user:F3} system_s={system:F3} cpu_us_per_op={perOp:F2}");
    }
}
