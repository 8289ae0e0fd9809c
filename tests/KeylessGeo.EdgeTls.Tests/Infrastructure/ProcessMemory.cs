using System.Globalization;

namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>
/// Searches another process's memory for byte strings: every readable mapping of
/// /proc/PID/maps, read through /proc/PID/mem (ranges the kernel refuses, such as [vvar], are skipped
/// and counted). Needs ptrace access to the process: a child's child under the same user, or root.
/// </summary>
public static class ProcessMemory
{
    /// <summary>The result of a search: which needles were found and how much was read.</summary>
    public sealed record SearchResult(bool[] Found, long BytesRead, int RegionsSkipped);

    /// <summary>Searches the memory of <paramref name="pid"/> for each of <paramref name="needles"/>.</summary>
    public static SearchResult Search(int pid, IReadOnlyList<byte[]> needles)
    {
        var found = new bool[needles.Count];
        var longest = needles.Max(n => n.Length);
        long read = 0;
        var skipped = 0;
        using var memory = new FileStream($"/proc/{pid}/mem", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        var chunk = new byte[1 << 20];
        foreach (var line in File.ReadAllLines($"/proc/{pid}/maps"))
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || fields[1][0] != 'r')
            {
                continue;
            }

            var range = fields[0].Split('-');
            var start = long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var end = long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            try
            {
                // Overlapping reads by the longest needle, so a match across chunks is not missed.
                for (var position = start; position < end; position += chunk.Length - longest)
                {
                    var count = (int)Math.Min(chunk.Length, end - position);
                    memory.Seek(position, SeekOrigin.Begin);
                    var total = 0;
                    while (total < count)
                    {
                        var n = memory.Read(chunk, total, count - total);
                        if (n == 0)
                        {
                            break;
                        }

                        total += n;
                    }

                    read += total;
                    var span = chunk.AsSpan(0, total);
                    for (var i = 0; i < needles.Count; i++)
                    {
                        found[i] |= span.IndexOf(needles[i]) >= 0;
                    }

                    if (position + count >= end)
                    {
                        break;
                    }
                }
            }
            catch (IOException)
            {
                skipped++;
            }
        }

        return new SearchResult(found, read, skipped);
    }
}
