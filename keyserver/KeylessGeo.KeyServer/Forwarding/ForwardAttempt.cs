using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// What one attempt came to: the upstream's response, or why there was none. A result, not an
/// exception, so the retry and the breaker decide on it without exceptions on the request path.
/// </summary>
internal sealed class ForwardAttempt
{
    private ForwardAttempt(SignResponse? response, bool fromRemote, AttemptFailure failure, string detail)
    {
        Response = response;
        FromRemote = fromRemote;
        Failure = failure;
        Detail = detail;
    }

    /// <summary>The upstream's answer, passed to the caller unchanged; null when there was none.</summary>
    public SignResponse? Response { get; }

    /// <summary>Whether <see cref="Response"/> is the remote keyserver's own (false: made here from a gRPC status).</summary>
    public bool FromRemote { get; }

    /// <summary>Why there was no answer (<see cref="AttemptFailure.None"/> when there was).</summary>
    public AttemptFailure Failure { get; }

    /// <summary>A short description of the failure for the final error message and the log.</summary>
    public string Detail { get; }

    /// <summary>Whether another attempt elsewhere may succeed.</summary>
    public bool IsRetryable => Failure is AttemptFailure.ConnectionFailed or AttemptFailure.TimedOut or AttemptFailure.UpstreamFailed;

    /// <summary>Whether the failure speaks against the upstream's health (its circuit breaker counts it).</summary>
    public bool CountsAgainstUpstream => IsRetryable || Failure == AttemptFailure.DeadlineExceeded;

    /// <summary>The remote keyserver's own response.</summary>
    public static ForwardAttempt Answered(SignResponse response) => new(response, true, AttemptFailure.None, "");

    /// <summary>A per-request answer made here from the call's gRPC status (not retried, not a failure of the upstream).</summary>
    public static ForwardAttempt AnsweredHere(SignResponse response) => new(response, false, AttemptFailure.None, "");

    public static ForwardAttempt Failed(AttemptFailure failure, string detail) => new(null, false, failure, detail);
}
