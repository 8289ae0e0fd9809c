namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>Log messages of the control-plane process itself.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 110, EventName = "ProcessHardened", Level = LogLevel.Information,
        Message = "process hardening: Dumpable: {Dumpable} (prctl PR_GET_DUMPABLE), core file limit {CoreLimit} bytes")]
    public static partial void Hardened(ILogger logger, int dumpable, ulong coreLimit);

    [LoggerMessage(EventId = 111, EventName = "ProcessHardeningFailed", Level = LogLevel.Warning,
        Message = "process hardening failed: Dumpable: {Dumpable}; other processes of this user may read the control plane's memory")]
    public static partial void HardeningFailed(ILogger logger, int dumpable);

    [LoggerMessage(EventId = 112, EventName = "Listening", Level = LogLevel.Information,
        Message = "control-plane API on {Endpoint} ({Access})")]
    public static partial void Listening(ILogger logger, string endpoint, string access);
}
