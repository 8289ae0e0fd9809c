using Microsoft.Extensions.Logging;

namespace KeylessGeo.Serving.Connections;

/// <summary>
/// The connections the process may hold open at once so that it never runs out of file
/// descriptors: the open-file soft limit, less the descriptors open when the listeners start
/// (runtime, assemblies, logs, listening sockets), less a reserve for what the process opens
/// later (assemblies loaded on first use, outbound connections, key files, /proc reads by the
/// runtime). Shared by every endpoint that calls
/// <see cref="ConnectionLimitsExtensions.UseDescriptorBudget"/>; a connection beyond it is
/// closed right after accept, before its TLS handshake.
/// </summary>
/// <remarks>
/// Without it, enough connections exhaust the descriptor table; the runtime then cannot open
/// the files it needs (an assembly loaded on first use, /proc/self/status, the CPU count a new
/// thread pool thread reads), prints "Out of memory." and aborts the process.
/// </remarks>
public sealed class DescriptorBudget
{
    /// <summary>The reserve never drops below this many descriptors.</summary>
    public const int MinimumReserve = 128;

    /// <summary>Below this many connections the limit is too tight to be useful; start-up warns.</summary>
    public const int LowBudget = 16;

    private int _open;

    /// <summary>A budget of <paramref name="maxConnections"/> connections.</summary>
    public DescriptorBudget(int maxConnections)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxConnections);
        MaxConnections = maxConnections;
    }

    /// <summary>Connections allowed at once across the endpoints that share this budget.</summary>
    public int MaxConnections { get; }

    /// <summary>Connections counted now (accepted, whether or not their TLS handshake is done).</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>
    /// Raises the open-file soft limit to the hard limit, then sizes the budget from the limit
    /// and the descriptors open now, and logs the result.
    /// </summary>
    public static DescriptorBudget ForCurrentProcess(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (OpenFileLimit.TryRaiseSoftLimit(out var before, out var after))
        {
            ConnectionLimitLog.OpenFileLimitRaised(logger, before, after);
        }

        if (!OpenFileLimit.TryGet(out var soft, out var hard) || soft == OpenFileLimit.Unlimited)
        {
            ConnectionLimitLog.OpenFileLimitUnknown(logger);
            return new DescriptorBudget(int.MaxValue);
        }

        var open = Math.Max(0, OpenFileLimit.CountOpen());
        var budget = Compute(soft, open);
        if (budget < LowBudget)
        {
            ConnectionLimitLog.DescriptorBudgetLow(logger, budget, soft, open, Reserve(soft));
        }
        else
        {
            ConnectionLimitLog.DescriptorBudgetSized(logger, budget, soft, hard, open, Reserve(soft));
        }

        return new DescriptorBudget(budget);
    }

    /// <summary>
    /// <paramref name="softLimit"/> − <paramref name="open"/> − <see cref="Reserve"/>. When that
    /// leaves fewer than <see cref="LowBudget"/>, half of what is free (at least one): a server
    /// started with a tiny limit still answers a few clients instead of none.
    /// </summary>
    internal static int Compute(ulong softLimit, int open)
    {
        var free = (long)Math.Min(softLimit, int.MaxValue) - open;
        var budget = free - Reserve(softLimit);
        if (budget < LowBudget)
        {
            budget = Math.Max(1, free / 2);
        }

        return (int)Math.Min(budget, int.MaxValue);
    }

    /// <summary>An eighth of the limit, at least <see cref="MinimumReserve"/>.</summary>
    internal static long Reserve(ulong softLimit) => Math.Max(MinimumReserve, (long)Math.Min(softLimit / 8, int.MaxValue));

    /// <summary>Counts a connection unless the budget is spent.</summary>
    internal bool TryAcquire()
    {
        while (true)
        {
            var open = Volatile.Read(ref _open);
            if (open >= MaxConnections)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _open, open + 1, open) == open)
            {
                return true;
            }
        }
    }

    /// <summary>Uncounts a connection <see cref="TryAcquire"/> admitted.</summary>
    internal void Release() => Interlocked.Decrement(ref _open);
}
