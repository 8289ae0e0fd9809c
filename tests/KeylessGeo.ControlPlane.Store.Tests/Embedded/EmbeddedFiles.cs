using System.Text.Json;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Embedded;

namespace KeylessGeo.ControlPlane.Store.Tests.Embedded;

/// <summary>Reads and edits the embedded store's files directly, as an operator (or attacker) with shell access would.</summary>
public static class EmbeddedFiles
{
    public static string State(string directory) => Path.Combine(directory, StateFile.FileName);

    public static string AuditLog(string directory) => Path.Combine(directory, AuditLogFile.FileName);

    /// <summary>Every commit-log file's name and bytes (hex), oldest generation first.</summary>
    public static async Task<List<string>> ReadCommitLogsAsync(string directory)
    {
        var logs = new List<string>();
        foreach (var generation in CommitLogFile.Generations(directory))
        {
            var path = CommitLogFile.PathOf(directory, generation);
            logs.Add(Path.GetFileName(path) + ":" + Convert.ToHexString(await File.ReadAllBytesAsync(path)));
        }

        return logs;
    }

    /// <summary>Rewrites line <paramref name="sequence"/> of audit.log with an edited entry (the file is otherwise untouched).</summary>
    public static async Task EditAuditLineAsync(string directory, long sequence, Func<AuditEntry, AuditEntry> edit)
    {
        var path = AuditLog(directory);
        var lines = await File.ReadAllLinesAsync(path);
        var index = (int)sequence - 1;
        var entry = JsonSerializer.Deserialize(lines[index], EmbeddedJsonContext.Default.AuditEntry)!;
        lines[index] = JsonSerializer.Serialize(edit(entry), EmbeddedJsonContext.Default.AuditEntry);
        await File.WriteAllTextAsync(path, string.Join('\n', lines) + "\n");
    }

    /// <summary>Cuts the newest <paramref name="count"/> lines off audit.log (the rest of the file is untouched).</summary>
    public static async Task RemoveAuditTailAsync(string directory, int count)
    {
        var path = AuditLog(directory);
        var content = await File.ReadAllBytesAsync(path);
        var end = content.Length;
        for (var removed = 0; removed < count; removed++)
        {
            end = Array.LastIndexOf(content, (byte)'\n', end - 2) + 1;
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(end);
    }
}
