using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// Every log message of the membership tables, with stable event ids (650–669). Messages name
/// files, cluster ids and silo addresses, never a connection string.
/// </summary>
internal static partial class MembershipLog
{
    [LoggerMessage(650, LogLevel.Information, "Membership table {Path} for cluster {ClusterId} opened at version {Version} with {Silos} silos", EventName = "FileTableOpened")]
    public static partial void FileTableOpened(ILogger logger, string path, string clusterId, int version, int silos);

    [LoggerMessage(651, LogLevel.Information, "Deleted membership table {Path} of cluster {ClusterId}", EventName = "FileTableDeleted")]
    public static partial void FileTableDeleted(ILogger logger, string path, string clusterId);

    [LoggerMessage(652, LogLevel.Information, "Removed {Count} defunct silos of cluster {ClusterId} not updated since {Before}", EventName = "DefunctSilosRemoved")]
    public static partial void DefunctSilosRemoved(ILogger logger, int count, string clusterId, DateTimeOffset before);

    [LoggerMessage(653, LogLevel.Warning, "I-am-alive for silo {Silo} of cluster {ClusterId} ignored: the table has no row for it", EventName = "IAmAliveForMissingRow")]
    public static partial void IAmAliveForMissingRow(ILogger logger, string silo, string clusterId);

    [LoggerMessage(654, LogLevel.Information, "PostgreSQL membership table for cluster {ClusterId} ready (database {Database} on {Host})", EventName = "PostgresTableOpened")]
    public static partial void PostgresTableOpened(ILogger logger, string clusterId, string? database, string? host);

    [LoggerMessage(655, LogLevel.Information, "Deleted the PostgreSQL membership rows of cluster {ClusterId}", EventName = "PostgresTableDeleted")]
    public static partial void PostgresTableDeleted(ILogger logger, string clusterId);
}
