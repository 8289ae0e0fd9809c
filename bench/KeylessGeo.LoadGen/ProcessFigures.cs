using System.Globalization;

namespace KeylessGeo.LoadGen;

/// <summary>A process's resident memory, read from <c>/proc/PID/status</c>.</summary>
internal static class ProcessFigures
{
    /// <summary>VmRSS in MiB.</summary>
    public static double ResidentMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kib = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return Math.Round(kib / 1024.0, 1);
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS line");
    }
}
