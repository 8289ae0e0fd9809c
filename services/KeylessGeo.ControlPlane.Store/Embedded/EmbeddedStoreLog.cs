using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>Log messages of the embedded store.</summary>
internal static partial class EmbeddedStoreLog
{
    [LoggerMessage(EventId = 1, EventName = "WatcherFailed", Level = LogLevel.Warning, Message = "Watching {Directory} for changes failed; falling back to polling.")]
    public static partial void WatcherFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(EventId = 2, EventName = "RevisionCheckFailed", Level = LogLevel.Warning, Message = "Reading the revision in {Directory} failed; retrying at the next poll.")]
    public static partial void RevisionCheckFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(EventId = 3, EventName = "Opened", Level = LogLevel.Information, Message = "Embedded control-plane store opened at {Directory}, revision {Revision}.")]
    public static partial void Opened(ILogger logger, string directory, long revision);

    [LoggerMessage(EventId = 4, EventName = "IntegrityProblem", Level = LogLevel.Error,
        Message = "The embedded store at {Directory} was changed behind its back and refuses commits until it is repaired and restarted: {Code}: {Problem}")]
    public static partial void IntegrityProblem(ILogger logger, string directory, string code, string problem);

    [LoggerMessage(EventId = 5, EventName = "CompactionFailed", Level = LogLevel.Warning,
        Message = "Compacting the embedded store at {Directory} failed; the commit log keeps every commit and the next commit tries again.")]
    public static partial void CompactionFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(EventId = 6, EventName = "Migrated", Level = LogLevel.Information,
        Message = "Migrated the embedded store's state file {Path} (revision {Revision}) to the snapshot and commit-log format.")]
    public static partial void Migrated(ILogger logger, string path, long revision);
}
