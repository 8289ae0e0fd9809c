using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    /// <summary>Every record of every commit-log file, oldest first, as JSON.</summary>
    public static async Task<List<JsonObject>> ReadCommitLogRecordsAsync(string directory)
    {
        var records = new List<JsonObject>();
        foreach (var generation in CommitLogFile.Generations(directory))
        {
            var content = await File.ReadAllBytesAsync(CommitLogFile.PathOf(directory, generation));
            for (var at = 0; at < content.Length;)
            {
                var length = CommitLogFraming.DeclaredLength(content.AsSpan(at));
                records.Add(JsonNode.Parse(content.AsSpan(at + CommitLogFraming.HeaderLength, length))!.AsObject());
                at += CommitLogFraming.HeaderLength + length;
            }
        }

        return records;
    }

    /// <summary>
    /// Rewrites every record of every commit-log file through <paramref name="edit"/> (its JSON),
    /// framed again with its new length and checksum, as an earlier build would have written it.
    /// </summary>
    public static async Task EditCommitLogRecordsAsync(string directory, Action<JsonObject> edit)
    {
        foreach (var generation in CommitLogFile.Generations(directory))
        {
            var path = CommitLogFile.PathOf(directory, generation);
            var content = await File.ReadAllBytesAsync(path);
            using var rewritten = new MemoryStream();
            for (var at = 0; at < content.Length;)
            {
                var length = CommitLogFraming.DeclaredLength(content.AsSpan(at));
                var record = JsonNode.Parse(content.AsSpan(at + CommitLogFraming.HeaderLength, length))!.AsObject();
                edit(record);
                var payload = JsonSerializer.SerializeToUtf8Bytes(record);
                var header = new byte[CommitLogFraming.HeaderLength];
                BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
                SHA256.HashData(payload).AsSpan(0, CommitLogFraming.HeaderLength - 4).CopyTo(header.AsSpan(4));
                rewritten.Write(header);
                rewritten.Write(payload);
                at += CommitLogFraming.HeaderLength + length;
            }

            await File.WriteAllBytesAsync(path, rewritten.ToArray());
        }
    }

    /// <summary>Removes <paramref name="names"/> from every managed key record under <paramref name="node"/> (objects with a <c>keyId</c>).</summary>
    public static void RemoveKeyFields(JsonNode? node, params string[] names)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj.ContainsKey("keyId") && obj.ContainsKey("wrappedPrivateKey"))
                {
                    foreach (var name in names)
                    {
                        obj.Remove(name);
                    }
                }

                foreach (var (_, child) in obj.ToList())
                {
                    RemoveKeyFields(child, names);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    RemoveKeyFields(child, names);
                }

                break;
        }
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
