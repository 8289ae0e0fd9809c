using Grpc.Core;
using KeylessGeo.Serving.Connections;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Serving.Grpc;

/// <summary>
/// Counts <c>SignStream</c> responses against the process-wide <see cref="ResponseBudget"/> the
/// Keyless port uses too: each request reserves its own serialized size plus
/// <see cref="ResponseAllowance"/> before it reaches the signing core, and the stream's writer
/// releases it once the response is flushed (the stream's account releases what is discarded).
/// A stream the budget's sweeper finds over its share is reset, counted and (throttled) logged.
/// </summary>
internal sealed class SignStreamBudget
{
    /// <summary>
    /// What a request reserves on top of its own size: a bound on one <see cref="Contracts.V1.SignResponse"/>
    /// in memory (a signature or plaintext of at most 512 bytes, <c>served_by</c>, error text that
    /// quotes at most the request's own fields, object headers).
    /// </summary>
    public const int ResponseAllowance = 1024;

    private readonly ResponseBudget _budget;
    private readonly GrpcMetrics _metrics;
    private readonly LogThrottle _throttle;
    private readonly ILogger _logger;

    public SignStreamBudget(ResponseBudget budget, GrpcMetrics metrics, TimeProvider time, ILogger<SignStreamBudget> logger)
    {
        _budget = budget;
        _metrics = metrics;
        _throttle = new LogThrottle(time, LogThrottle.DefaultInterval);
        _logger = logger;
    }

    /// <summary>The bytes a request of <paramref name="requestSize"/> serialized bytes reserves.</summary>
    public static int Cost(int requestSize) => requestSize + ResponseAllowance;

    /// <summary>Opens a stream's account; its token follows <paramref name="call"/>.</summary>
    public SignStreamAccount Open(CancellationToken call) => new(_budget, call);

    /// <summary>
    /// Resets the stream of <paramref name="context"/> (HTTP/2 RST_STREAM, which frees what Kestrel
    /// still buffers for it) after the sweeper ended it. Called from the handler, while the call is
    /// still its own.
    /// </summary>
    public void Reset(ServerCallContext context, SignStreamAccount account)
    {
        _metrics.ResetForResponseBudget();
        var http = context.GetHttpContext();
        if (_throttle.TryEnter(out var suppressed))
        {
            GrpcLog.ResponseBudgetExceeded(
                _logger, context.Peer, http.Connection.ClientCertificate?.Subject, account.OverShareBytes, account.FairShare, _budget.Limit, _budget.GracePeriod, suppressed);
        }

        http.Abort();
    }
}
