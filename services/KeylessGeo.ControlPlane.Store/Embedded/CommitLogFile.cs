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
    /// Reads the complete records after <paramref name="offset"/>, verifying each checksum and that
    /// revisions follow <paramref name="previousRevision"/> one by one.
    /// </summary>
    public static async Task<CommitLogScan> ScanAsync(string path, long offset, long previousRevision, CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, useAsync: true);
            var length = stream.Length;
            if (length < offset)
            {
                return new CommitLogScan([], offset, [], CommitLogTail.Corrupt, $"it is {length} bytes, but records up to byte {offset} were read from it (it was cut short)");
            }

            if (length == offset)
            {
                return new CommitLogScan([], offset, [], CommitLogTail.Clean, null);
            }

            if (length - offset > int.MaxValue)
            {
                return new CommitLogScan([], offset, [], CommitLogTail.Corrupt, $"{length - offset} bytes after offset {offset} are more than one read can hold");
            }

            content = new byte[length - offset];
            stream.Position = offset;
            var read = await stream.ReadAtLeastAsync(content, content.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            content = read == content.Length ? content : content[..read];
        }
        catch (FileNotFoundException)
        {
            return new CommitLogScan([], offset, [], CommitLogTail.Missing, null);
        }

        return Parse(content, offset, previousRevision);
    }

    private static CommitLogScan Parse(byte[] content, long offset, long previousRevision)
    {
        var records = new List<CommitLogRecord>();
        var position = 0;
        var last = Array.Empty<byte>();
        while (position < content.Length)
        {
            var remaining = content.Length - position;
            if (remaining < CommitLogFraming.HeaderLength)
            {
                return new CommitLogScan(records, offset + position, last, CommitLogTail.Torn, null);
            }

            var header = content.AsSpan(position, CommitLogFraming.HeaderLength);
            var length = CommitLogFraming.DeclaredLength(header);
            if (length <= 0 || length > CommitLogFraming.MaxPayload)
            {
                return new CommitLogScan(records, offset + position, last, CommitLogTail.Corrupt, $"the record at byte {offset + position} declares {length} bytes");
            }

            if (length > remaining - CommitLogFraming.HeaderLength)
            {
                return new CommitLogScan(records, offset + position, last, CommitLogTail.Torn, null);
            }

            var payload = content.AsSpan(position + CommitLogFraming.HeaderLength, length);
            var end = position + CommitLogFraming.HeaderLength + length;
            if (!CommitLogFraming.ChecksumMatches(header, payload))
            {
                // The last record of the file may be a write torn inside its pages; anything before it was fsynced whole.
                return end == content.Length
                    ? new CommitLogScan(records, offset + position, last, CommitLogTail.Torn, null)
                    : new CommitLogScan(records, offset + position, last, CommitLogTail.Corrupt, $"the record at byte {offset + position} does not match its checksum");
            }

            var record = CommitLogFraming.Decode(payload, out var error);
            if (record is null)
            {
                return new CommitLogScan(records, offset + position, last, CommitLogTail.Corrupt, $"the record at byte {offset + position} does not parse ({error})");
            }

            var expected = previousRevision + records.Count + 1;
            if (record.Revision != expected || record.Audit.Revision != record.Revision)
            {
                return new CommitLogScan(records, offset + position, last, CommitLogTail.Corrupt,
                    $"the record at byte {offset + position} holds revision {record.Revision} (audit entry at revision {record.Audit.Revision}) where revision {expected} follows");
            }

            records.Add(record);
            last = content[position..end];
            position = end;
        }

        return new CommitLogScan(records, offset + position, last, CommitLogTail.Clean, null);
    }
}
