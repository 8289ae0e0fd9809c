using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Cluster.Routing;

/// <summary>Log messages of key grains and request routing in a cluster (event ids 700–719).</summary>
internal static partial class RoutingLog
{
    [LoggerMessage(700, LogLevel.Debug, "Key grain {KeyId} activated in datacenter {Datacenter}", EventName = "KeyGrainActivated")]
    public static partial void KeyGrainActivated(ILogger logger, string keyId, string datacenter);

    [LoggerMessage(701, LogLevel.Debug, "Key grain {KeyId} deactivated ({Reason}); its opened key dropped: {Dropped}", EventName = "KeyGrainDeactivated")]
    public static partial void KeyGrainDeactivated(ILogger logger, string keyId, string reason, bool dropped);

    [LoggerMessage(702, LogLevel.Warning, "Key grain {KeyId} cannot open its key here: {Reason}", EventName = "KeyGrainOpenFailed")]
    public static partial void KeyGrainOpenFailed(ILogger logger, string keyId, string reason);

    [LoggerMessage(703, LogLevel.Information, "Deactivated key grain {KeyId}: {Reason}", EventName = "KeyGrainRetired")]
    public static partial void KeyGrainRetired(ILogger logger, string keyId, string reason);

    [LoggerMessage(704, LogLevel.Warning, "A request for key {KeyId} could not reach its key grain in this region ({Error}): {Message}", EventName = "KeyGrainCallFailed")]
    public static partial void KeyGrainCallFailed(ILogger logger, string keyId, string error, string message);
}
