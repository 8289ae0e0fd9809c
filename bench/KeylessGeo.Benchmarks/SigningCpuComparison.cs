using System.Globalization;
using System.Runtime.InteropServices;

namespace KeylessGeo.Benchmarks;

/// <summary>
/// <c>KeylessGeo.Benchmarks --signing-cpu [rounds]</c>: the methods of <see cref="SigningContextBenchmarks"/>
/// compared by the thread's own CPU time (<c>CLOCK_THREAD_CPUTIME_ID</c>) instead of wall time, in
/// alternating blocks, median over rounds. On a machine other processes keep busy, wall time mostly
/// measures waiting for a core; CPU time per call still measures the call.
/// </summary>
internal static partial class SigningCpuComparison
{
    private const int ThreadCpuClock = 3;

    public static void Run(int rounds)
    {
        var benchmarks = new SigningContextBenchmarks();
        benchmarks.Setup();
        try
        {
            (string Name, int Calls, Func<int> Call)[] methods =
            [
                ("ECDSA P-256, ECDsa.TrySignHash (before)", 2000, benchmarks.EcdsaTrySignHash),
                ("ECDSA P-256, new EVP_PKEY_CTX per call", 2000, benchmarks.EcdsaNewContextPerCall),
                ("ECDSA P-256, reused context (SignContextPool)", 2000, benchmarks.EcdsaReusedContext),
                ("RSA-2048 PKCS#1 SHA-256, RSA.TrySignHash (before)", 100, benchmarks.RsaPkcs1TrySignHash),
                ("RSA-2048 PKCS#1 SHA-256, reused context", 100, benchmarks.RsaPkcs1ReusedContext),
                ("RSA-2048 PSS SHA-256, RSA.TrySignHash (before)", 100, benchmarks.RsaPssTrySignHash),
                ("RSA-2048 PSS SHA-256, reused context", 100, benchmarks.RsaPssReusedContext),
            ];
            var samples = methods.Select(_ => new List<double>()).ToArray();
            for (var round = -1; round < rounds; round++)
            {
                for (var m = 0; m < methods.Length; m++)
                {
                    var (_, calls, call) = methods[m];
                    var start = ThreadCpuSeconds();
                    for (var i = 0; i < calls; i++)
                    {
                        if (call() <= 0)
                        {
                            throw new InvalidOperationException($"{methods[m].Name} did not sign");
                        }
                    }

                    // Round -1 warms up (JIT, OpenSSL's first-use set-up) and is not counted.
                    if (round >= 0)
                    {
                        samples[m].Add((ThreadCpuSeconds() - start) * 1e6 / calls);
                    }
                }
            }

            Console.WriteLine($"| method | CPU µs per signature, median of {rounds} rounds | min | max |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            for (var m = 0; m < methods.Length; m++)
            {
                var sorted = samples[m].Order().ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {methods[m].Name} | {sorted[sorted.Length / 2]:F2} | {sorted[0]:F2} | {sorted[^1]:F2} |"));
            }
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }

    private static double ThreadCpuSeconds()
    {
        if (clock_gettime(ThreadCpuClock, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return time.Seconds + (time.Nanoseconds / 1e9);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int clock_gettime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
