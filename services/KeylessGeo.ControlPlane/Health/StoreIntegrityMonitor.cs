namespace KeylessGeo.ControlPlane.Health;

/// <summary>
/// Checks readiness at start and then every <see cref="ReadinessOptions.CheckInterval"/>, so the
/// metrics and the log show damage even when nobody probes <c>/readyz</c>. Logs each change
/// between ready and not ready once.
/// </summary>
internal sealed partial class StoreIntegrityMonitor(
    StoreReadiness readiness, ControlPlaneMetrics metrics, ReadinessOptions options, TimeProvider time, ILogger<StoreIntegrityMonitor> logger) : BackgroundService
{
    /// <summary>The metrics exist as long as the monitor does (resolving them registers the instruments).</summary>
    public ControlPlaneMetrics Metrics { get; } = metrics;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var wasReady = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var report = await readiness.CheckAsync(stoppingToken).ConfigureAwait(false);
                if (wasReady && !report.Ready)
                {
                    NotReady(logger, string.Join("; ", report.Problems.Select(p => $"{p.Code}: {p.Message}")));
                }
                else if (!wasReady && report.Ready)
                {
                    ReadyAgain(logger);
                }

                wasReady = report.Ready;
                await Task.Delay(options.CheckInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 70, EventName = "NotReady", Level = LogLevel.Warning,
        Message = "The control plane is not ready: {Problems}")]
    private static partial void NotReady(ILogger logger, string problems);

    [LoggerMessage(EventId = 71, EventName = "ReadyAgain", Level = LogLevel.Information,
        Message = "The control plane is ready again")]
    private static partial void ReadyAgain(ILogger logger);
}
