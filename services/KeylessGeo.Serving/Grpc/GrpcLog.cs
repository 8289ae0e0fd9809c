using Microsoft.Extensions.Logging;

namespace KeylessGeo.Serving.Grpc;

/// <summary>The gRPC service's own log messages, with stable event ids (Grpc.AspNetCore and Kestrel log the rest).</summary>
internal static partial class GrpcLog
{
    [LoggerMessage(401, LogLevel.Warning, "SignStream from {Peer} (client {ClientSubject}) reset: it held {Bytes} bytes of unwritten responses, more than its share of {Share} bytes of the spent response budget ({Budget} bytes), for {GracePeriod} ({Suppressed} similar resets not logged since the last message)", EventName = "SignStreamResponseBudgetExceeded")]
    public static partial void ResponseBudgetExceeded(ILogger logger, string peer, string? clientSubject, long bytes, long share, long budget, TimeSpan gracePeriod, long suppressed);
}
