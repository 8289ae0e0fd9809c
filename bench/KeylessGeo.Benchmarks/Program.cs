using BenchmarkDotNet.Running;

namespace KeylessGeo.Benchmarks;

/// <summary>
/// Runs the microbenchmarks chosen on the command line (<c>--filter '*'</c> for all), or
/// <c>--signing-cpu [rounds]</c>: the signing calls compared by thread CPU time (<see cref="SigningCpuComparison"/>).
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--signing-cpu")
        {
            SigningCpuComparison.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
