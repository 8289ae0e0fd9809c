using KeylessGeo.Keyless.Codec;
using KeylessGeo.Serving.Connections;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// Logs why a Keyless connection closed, the same way for every transport: timeouts, the
/// response budget (throttled), framing errors, transport failures, then the close itself.
/// </summary>
internal sealed class KeylessCloseLog
{
    private readonly ILogger _logger;
    private readonly KeylessOptions _options;
    private readonly LogThrottle _partialLog;
    private readonly LogThrottle _budgetLog;

    public KeylessCloseLog(ILogger logger, KeylessOptions options, TimeProvider time)
    {
        _logger = logger;
        _options = options;
        _partialLog = new LogThrottle(time, LogThrottle.DefaultInterval);
        _budgetLog = new LogThrottle(time, LogThrottle.DefaultInterval);
    }

    /// <summary>Logs the close of connection <paramref name="connectionId"/> (from <paramref name="remote"/>, client <paramref name="clientSubject"/>).</summary>
    public void Closed(string connectionId, string? remote, string? clientSubject, KeylessCloseReason reason, in KeylessCloseDetails details)
    {
        long suppressed;
        switch (reason)
        {
            case KeylessCloseReason.IdleTimeout:
                KeylessLog.IdleTimeout(_logger, connectionId, remote, _options.IdleTimeout, details.Requests);
                break;
            case KeylessCloseReason.PartialMessageTimeout when _partialLog.TryEnter(out suppressed):
                KeylessLog.PartialMessageTimeout(_logger, connectionId, remote, clientSubject, _options.PartialMessageTimeout, details.PartialBytes, suppressed);
                break;
            case KeylessCloseReason.ResponseBudget when _budgetLog.TryEnter(out suppressed):
                KeylessLog.ResponseBudgetExceeded(
                    _logger, connectionId, remote, clientSubject, details.OverShareBytes, details.FairShare,
                    _options.ResponseBytesBudget, _options.ResponseBudgetGracePeriod, suppressed);
                break;
            case KeylessCloseReason.FramingError when details.Framing is { } framing:
                KeylessLog.FramingError(
                    _logger,
                    connectionId,
                    remote,
                    framing.Status == KeylessFrameStatus.UnsupportedVersion ? "unsupported major version" : "body longer than the limit",
                    framing.Id,
                    framing.MajorVersion,
                    framing.BodyLength,
                    KeylessWireNames.Of(KeylessErrorMap.ForFraming(framing.Status)),
                    details.Requests);
                break;
            default:
                // An enforced close aborts the transport itself; that is not the client's failure.
                if (details.Enforced is null && details.Framing is null && details.TransportErrorType is { } type)
                {
                    KeylessLog.TransportFailed(_logger, connectionId, type, details.TransportErrorMessage ?? string.Empty);
                }

                break;
        }

        KeylessLog.ConnectionClosed(_logger, connectionId, reason, details.Requests);
    }
}
