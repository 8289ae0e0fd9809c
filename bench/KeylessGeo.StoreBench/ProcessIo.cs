using System.Globalization;

namespace KeylessGeo.StoreBench;

/// <summary>This process's write counters from <c>/proc/self/io</c>: <c>wchar</c> counts every byte passed to write calls (files, before any page cache).</summary>
internal static class ProcessIo
{
    public static long WrittenBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/io"))
        {
            if (line.StartsWith("wchar:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim(), CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("/proc/self/io has no wchar line");
    }
}
