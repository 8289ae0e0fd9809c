using System.Globalization;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// The commit-log files, <c>commits.&lt;generation&gt;.log</c>: each commit appends one framed
/// record (<see cref="CommitLogFraming"/>) and fsyncs before it is acknowledged. Compaction starts
/// the next generation and, once a snapshot covering the older ones is durable, deletes them.
/// Appends happen under the writer lock; scans need no lock (a reader stops at a torn tail and
/// reads it again later, when the next writer has replaced it).
/// </summary>
internal static class CommitLogFile
{
    private const string Prefix = "commits.";
    private const string Suffix = ".log";

    /// <summary>The file of <paramref name="generation"/> in <paramref name="directory"/>.</summary>
    public static string PathOf(string directory, long generation) =>
        Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{generation:D10}{Suffix}"));

    /// <summary>Every generation with a file in <paramref name="directory"/>, ascending.</summary>
    public static IReadOnlyList<long> Generations(string directory)
    {
        var generations = new List<long>();
        foreach (var file in Directory.EnumerateFiles(directory, Prefix + "*" + Suffix))
        {
            var name = Path.GetFileName(file);
            var digits = name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Suffix.Length);
            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
            {
                generations.Add(generation);
            }
        }

        generations.Sort();
        return generations;
    }

    /// <summary>Creates an empty generation file durably (file and directory entry); nothing if it exists.</summary>
    public static void Create(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete, UnixCreateMode = DurableFile.FileMode };
        try
        {
            using var stream = new FileStream(path, options);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            return;
        }

        DurableFile.SyncDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>
    /// Writes <paramref name="framed"/> at <paramref name="offset"/> (cutting off a torn tail the
    /// caller found there) and fsyncs; returns the file's new length. The caller holds the writer lock.
    /// </summary>
    public static async Task<long> AppendAsync(string path, long offset, byte[] framed, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite | FileShare.Delete };
        await using var stream = new FileStream(path, options);
        if (stream.Length != offset)
        {
            stream.SetLength(offset);
        }

        stream.Position = offset;
        await stream.WriteAsync(framed, cancellationToken).ConfigureAwait(false);
        stream.Flush(flushToDisk: true);
        return stream.Length;
    }

    /// <summary>Cuts the file back to <paramref name="length"/> (a torn tail) and fsyncs. The caller holds the writer lock.</summary>
    public static async Task TruncateAsync(string path, long length, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite | FileShare.Delete };
        await using var stream = new FileStream(path, options);
        stream.SetLength(length);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The length of the file, or null when it does not exist.</summary>
    public static long? LengthOf(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length : null;
    }

    /// <summary>Reads <paramref name="count"/> bytes at <paramref name="offset"/>; fewer when the file is shorter, null when it is missing.</summary>
    public static async Task<byte[]?> ReadRangeAsync(string path, long offset, int count, CancellationToken cancellationToken)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
            var buffer = new byte[count];
            var filled = 0;
            while (filled < count)
            {
                var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(filled), offset + filled, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            return filled == count ? buffer : buffer[..filled];
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads the complete records after <paramref name="offset"/>, one at a time (a log of any
    /// size), verifying each checksum and that revisions follow <paramref name="previousRevision"/> one by one.
    /// </summary>
    public static async Task<CommitLogScan> ScanAsync(string path, long offset, long previousRevision, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 64 * 1024, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            return new CommitLogScan([], offset, [], CommitLogTail.Missing, null);
        }

        await using (stream.ConfigureAwait(false))
        {
            // The length is read once: bytes appended during the scan are left for the next one.
            var length = stream.Length;
            if (length < offset)
            {
                return new CommitLogScan([], offset, [], CommitLogTail.Corrupt, $"it is {length} bytes, but records up to byte {offset} were read from it (it was cut short)");
            }

            stream.Position = offset;
            return await ReadRecordsAsync(stream, offset, length, previousRevision, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<CommitLogScan> ReadRecordsAsync(FileStream stream, long offset, long length, long previousRevision, CancellationToken cancellationToken)
    {
        var records = new List<CommitLogRecord>();
        var position = offset;
        var last = Array.Empty<byte>();
        var header = new byte[CommitLogFraming.HeaderLength];
        while (position < length)
        {
            var remaining = length - position;
            if (remaining < CommitLogFraming.HeaderLength)
            {
                return new CommitLogScan(records, position, last, CommitLogTail.Torn, null);
            }

            await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            var declared = CommitLogFraming.DeclaredLength(header);
            if (declared <= 0 || declared > CommitLogFraming.MaxPayload)
            {
                return new CommitLogScan(records, position, last, CommitLogTail.Corrupt, $"the record at byte {position} declares {declared} bytes");
            }

            if (declared > remaining - CommitLogFraming.HeaderLength)
            {
                return new CommitLogScan(records, position, last, CommitLogTail.Torn, null);
            }

            var framed = new byte[CommitLogFraming.HeaderLength + declared];
            header.CopyTo(framed, 0);
            await stream.ReadExactlyAsync(framed.AsMemory(CommitLogFraming.HeaderLength), cancellationToken).ConfigureAwait(false);
            var payload = framed.AsSpan(CommitLogFraming.HeaderLength);
            var end = position + framed.Length;
            if (!CommitLogFraming.ChecksumMatches(header, payload))
            {
                // The last record of the file may be a write torn inside its pages; anything before it was fsynced whole.
                return end == length
                    ? new CommitLogScan(records, position, last, CommitLogTail.Torn, null)
                    : new CommitLogScan(records, position, last, CommitLogTail.Corrupt, $"the record at byte {position} does not match its checksum");
            }

            var record = CommitLogFraming.Decode(payload, out var error);
            if (record is null)
            {
                return new CommitLogScan(records, position, last, CommitLogTail.Corrupt, $"the record at byte {position} does not parse ({error})");
            }

            var expected = previousRevision + records.Count + 1;
            if (record.Revision != expected || record.Audit.Revision != record.Revision)
            {
                return new CommitLogScan(records, position, last, CommitLogTail.Corrupt,
                    $"the record at byte {position} holds revision {record.Revision} (audit entry at revision {record.Audit.Revision}) where revision {expected} follows");
            }

            records.Add(record);
            last = framed;
            position = end;
        }

        return new CommitLogScan(records, position, last, CommitLogTail.Clean, null);
    }
}
