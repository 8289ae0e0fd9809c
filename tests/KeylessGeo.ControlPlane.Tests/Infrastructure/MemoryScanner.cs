using System.Globalization;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>Where a needle was found in another process's memory.</summary>
public sealed record MemoryHit(string Needle, ulong Address, string Region);

/// <summary>
/// Searches another process's memory for byte strings: every readable mapping in /proc/PID/maps,
/// read through /proc/PID/mem (root, with CAP_SYS_PTRACE, may read even a non-dumpable process).
/// File-backed mappings that are not writable are skipped (code and read-only data from disk
/// cannot have received a secret at run time).
/// </summary>
public static class MemoryScanner
{
    private const int ChunkBytes = 8 * 1024 * 1024;

    /// <summary>Every occurrence of every needle, and how many bytes were scanned.</summary>
    public static (IReadOnlyList<MemoryHit> Hits, long ScannedBytes) Scan(int pid, IReadOnlyDictionary<string, byte[]> needles)
    {
        var hits = new List<MemoryHit>();
        var overlap = needles.Values.Max(n => n.Length) - 1;
        var buffer = new byte[ChunkBytes + overlap];
        long scanned = 0;
        using var memory = File.OpenHandle($"/proc/{pid}/mem", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        foreach (var line in File.ReadAllLines($"/proc/{pid}/maps"))
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            var permissions = fields[1];
            var name = fields.Length > 5 ? fields[5].Trim() : "";
            if (permissions[0] != 'r' || name is "[vvar]" or "[vsyscall]" or "[vvar_vclock]" || (name.StartsWith('/') && permissions[1] != 'w'))
            {
                continue;
            }

            var range = fields[0].Split('-');
            var start = ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var end = ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            scanned += ScanRegion(memory, start, end, $"{fields[0]} {permissions} {name}", needles, buffer, overlap, hits);
        }

        return (hits, scanned);
    }

    private static long ScanRegion(Microsoft.Win32.SafeHandles.SafeFileHandle memory, ulong start, ulong end, string region, IReadOnlyDictionary<string, byte[]> needles, byte[] buffer, int overlap, List<MemoryHit> hits)
    {
        long scanned = 0;
        for (var at = start; at < end; at += ChunkBytes)
        {
            var length = (int)Math.Min((ulong)(ChunkBytes + overlap), end - at);
            var read = 0;
            try
            {
                while (read < length)
                {
                    var got = RandomAccess.Read(memory, buffer.AsSpan(read, length - read), (long)at + read);
                    if (got == 0)
                    {
                        break;
                    }

                    read += got;
                }
            }
            catch (IOException)
            {
                // An unreadable mapping (a guard page): nothing there to find.
            }

            if (read == 0)
            {
                break;
            }

            scanned += Math.Min(read, ChunkBytes);
            var chunk = buffer.AsSpan(0, read);
            foreach (var (needle, bytes) in needles)
            {
                for (var offset = 0; offset <= chunk.Length - bytes.Length;)
                {
                    var found = chunk[offset..].IndexOf(bytes);
                    if (found < 0 || offset + found >= ChunkBytes)
                    {
                        break; // a match starting in the overlap is found with the next chunk
                    }

                    hits.Add(new MemoryHit(needle, at + (ulong)(offset + found), region));
                    offset += found + 1;
                }
            }
        }

        return scanned;
    }
}
