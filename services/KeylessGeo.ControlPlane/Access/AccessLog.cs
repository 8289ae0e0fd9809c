namespace KeylessGeo.ControlPlane.Access;

/// <summary>Log messages of access control (identities and paths only, never request bodies).</summary>
internal static partial class AccessLog
{
    [LoggerMessage(EventId = 100, EventName = "AccessRefused", Level = LogLevel.Warning,
        Message = "{Method} {Path} refused for {Identity}: {Status} {Reason} (further identical refusals are counted, not logged, until the next audit entry)")]
    public static partial void Refused(ILogger logger, string method, string path, string identity, int status, string reason);

    [LoggerMessage(EventId = 101, EventName = "RefusalsAudited", Level = LogLevel.Information,
        Message = "{Count} refused request(s) written to the audit log at revision {Revision} ({Omitted} beyond the row limit only counted)")]
    public static partial void Audited(ILogger logger, long count, long revision, long omitted);

    [LoggerMessage(EventId = 102, EventName = "RefusalAuditFailed", Level = LogLevel.Error,
        Message = "{Count} refused request(s) could not be written to the audit log: {Reason}")]
    public static partial void AuditFailed(ILogger logger, long count, string reason);

    [LoggerMessage(EventId = 103, EventName = "NoGrants", Level = LogLevel.Warning,
        Message = "ControlPlane:Access:Grants is empty: no identity may change anything (unknown identities: {Unknown})")]
    public static partial void NoGrants(ILogger logger, string unknown);
}
