using System.Text;
using System.Text.Json;
using KeylessGeo.ControlPlane.Store.Audit;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// <c>audit.log</c>: one JSON entry per line, append-only. Only the first
/// <see cref="AuditMark.Count"/> lines are committed; a commit appends and fsyncs its entry
/// before it appends its commit-log record, so a crash in between leaves a line past the
/// committed count, which readers ignore and the next commit truncates.
/// </summary>
internal sealed class AuditLogFile
{
    /// <summary>The file's name in the data directory.</summary>
    public const string FileName = "audit.log";

    public AuditLogFile(string directory) => Path = System.IO.Path.Combine(directory, FileName);

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>Whether the file exists and holds anything.</summary>
    public bool HasContent => new FileInfo(Path) is { Exists: true, Length: > 0 };

    /// <summary>
    /// Appends <paramref name="entry"/> after the entries <paramref name="committed"/> counts
    /// (dropping any uncommitted tail first), fsyncs, and returns the line and the file's new length.
    /// </summary>
    public async Task<AuditAppend> AppendAsync(AuditMark committed, AuditEntry entry, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite | FileShare.Delete,
            UnixCreateMode = DurableFile.FileMode,
        };
        await using var stream = new FileStream(Path, options);
        var end = committed.Length;
        if (stream.Length != end)
        {
            // A crashed commit's leftover line, or a hand-edited file: count lines to find the committed end.
            end = FindEndOfLine(stream, committed.Count);
            stream.SetLength(end);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(entry, EmbeddedJsonContext.Default.AuditEntry);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        stream.Position = end;
        await stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        stream.Flush(flushToDisk: true);
        return new AuditAppend(line, stream.Length);
    }

    /// <summary>Committed entries from <paramref name="fromSequence"/>, at most <paramref name="maxCount"/>.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(long committedCount, long fromSequence, int maxCount, CancellationToken cancellationToken)
    {
        var first = Math.Max(fromSequence, 1);
        if (committedCount == 0 || first > committedCount)
        {
            return [];
        }

        var entries = new List<AuditEntry>();
        try
        {
            await using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 64 * 1024, useAsync: true);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            for (long sequence = 1; sequence <= committedCount && entries.Count < maxCount; sequence++)
            {
                var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new StoreUnavailableException($"the audit log {Path} holds {sequence - 1} entries but {committedCount} are committed");
                if (sequence >= first)
                {
                    entries.Add(Parse(line, sequence));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"could not read the audit log {Path}: {e.Message}", e);
        }

        return entries;
    }

    private AuditEntry Parse(string line, long lineNumber)
    {
        try
        {
            return JsonSerializer.Deserialize(line, EmbeddedJsonContext.Default.AuditEntry)
                ?? throw new JsonException("the line holds null");
        }
        catch (JsonException e)
        {
            throw new StoreUnavailableException($"the audit log {Path} is corrupt at line {lineNumber}: {e.Message}", e);
        }
    }

    private long FindEndOfLine(FileStream stream, long lines)
    {
        if (lines == 0)
        {
            return 0;
        }

        stream.Position = 0;
        var buffer = new byte[64 * 1024];
        long seen = 0;
        long offset = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n' && ++seen == lines)
                {
                    return offset + i + 1;
                }
            }

            offset += read;
        }

        throw new StoreUnavailableException($"the audit log {Path} holds {seen} entries but {lines} are committed");
    }
}
