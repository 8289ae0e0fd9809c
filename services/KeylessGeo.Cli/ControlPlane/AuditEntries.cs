using System.Text.Json;
using KeylessGeo.ControlPlane.Store.Audit;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary>Audit entries as the API sends them (hashes in hex), back as the store's <see cref="AuditEntry"/>.</summary>
public static class AuditEntries
{
    /// <summary>Decodes one entry of <c>GET /v1/audit</c>.</summary>
    public static AuditEntry FromJson(JsonElement entry) => new()
    {
        Sequence = entry.GetProperty("sequence").GetInt64(),
        Revision = entry.GetProperty("revision").GetInt64(),
        Timestamp = entry.GetProperty("timestamp").GetDateTimeOffset(),
        Actor = entry.GetProperty("actor").GetString()!,
        Action = entry.GetProperty("action").GetString()!,
        Subject = entry.GetProperty("subject").GetString()!,
        Details = entry.GetProperty("details").GetString()!,
        PreviousHash = Convert.FromHexString(entry.GetProperty("previousHash").GetString()!),
        Hash = Convert.FromHexString(entry.GetProperty("hash").GetString()!),
    };
}
