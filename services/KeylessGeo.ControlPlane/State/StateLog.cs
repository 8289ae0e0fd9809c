using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.State;

/// <summary>Log messages of the control plane's state follower.</summary>
internal static partial class StateLog
{
    [LoggerMessage(EventId = 120, EventName = "StateSynced", Level = LogLevel.Information,
        Message = "Read the control-plane state from a snapshot at revision {Revision}: {Policies} policies, {Keys} keys")]
    public static partial void Synced(ILogger logger, long revision, int policies, int keys);

    [LoggerMessage(EventId = 121, EventName = "StateResync", Level = LogLevel.Warning,
        Message = "Reading the control-plane state from a snapshot again (at revision {Applied}, store at {Latest}): {Reason}")]
    public static partial void Resync(ILogger logger, long applied, long latest, string reason);

    [LoggerMessage(EventId = 122, EventName = "StateSnapshotRead", Level = LogLevel.Information,
        Message = "Read the control-plane snapshot a page at a time: revisions {FirstRevision} to {LastRevision}, {Pages} pages, {Policies} policies, {Keys} keys, in {Milliseconds:F0} ms")]
    public static partial void SnapshotRead(ILogger logger, long firstRevision, long lastRevision, int pages, int policies, int keys, double milliseconds);

    [LoggerMessage(EventId = 123, EventName = "StateResyncFailed", Level = LogLevel.Warning,
        Message = "Re-syncing the control-plane state from a snapshot failed ({Message}); the last state stays in force and the next read tries again")]
    public static partial void ResyncFailed(ILogger logger, string message);
}
