using BenchmarkDotNet.Running;

namespace KeylessGeo.Benchmarks;

/// <summary>Runs the microbenchmarks chosen on the command line (<c>--filter '*'</c> for all).</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
