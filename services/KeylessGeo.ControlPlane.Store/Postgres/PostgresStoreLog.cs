using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>Log messages of the PostgreSQL store.</summary>
internal static partial class PostgresStoreLog
{
    [LoggerMessage(EventId = 1, EventName = "MigrationsApplied", Level = LogLevel.Information, Message = "PostgreSQL store schema migrated: applied {Versions}.")]
    public static partial void MigrationsApplied(ILogger logger, string versions);

    [LoggerMessage(EventId = 2, EventName = "ListenerFailed", Level = LogLevel.Warning, Message = "The PostgreSQL change listener lost its connection; reconnecting in {Backoff}.")]
    public static partial void ListenerFailed(ILogger logger, TimeSpan backoff, Exception exception);

    [LoggerMessage(EventId = 3, EventName = "ListenerReconnected", Level = LogLevel.Information, Message = "The PostgreSQL change listener reconnected at revision {Revision}.")]
    public static partial void ListenerReconnected(ILogger logger, long revision);

    [LoggerMessage(EventId = 4, EventName = "IntegrityProblem", Level = LogLevel.Error,
        Message = "The PostgreSQL store's audit log was changed behind its back; commits are refused until it is repaired and the process restarted: {Code}: {Problem}")]
    public static partial void IntegrityProblem(ILogger logger, string code, string problem);
}
