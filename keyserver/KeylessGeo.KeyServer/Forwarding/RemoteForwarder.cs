using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.Serving.Grpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// The remote path of DESIGN.md as a Polly pipeline: a retry strategy (at most
/// <see cref="ForwardingOptions.MaxAttempts"/> attempts, exponential backoff with jitter, never
/// past the deadline) around each attempt, and each attempt through its upstream's own pipeline
/// (circuit breaker, then the per-attempt timeout) to the next permitted keyserver in order.
/// Retries happen only when an upstream gave no answer (connection failure, timeout, a gRPC
/// failure status); every answer, <c>OVERLOADED</c> included, goes back to the caller at once.
/// </summary>
internal sealed class RemoteForwarder : IRemoteForwarder
{
    /// <summary>The request's <see cref="ForwardCall"/>, for the strategies that need it.</summary>
    internal static readonly ResiliencePropertyKey<ForwardCall> CallKey = new("keylessgeo.forward-call");

    private readonly RemoteKeyserverDirectory _directory;
    private readonly UpstreamCache _upstreams;
    private readonly ForwardingOptions _options;
    private readonly TimeProvider _time;
    private readonly ForwardingMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly string _selfId;
    private readonly ServedBy _servedBy;
    private readonly ResiliencePipeline<ForwardAttempt> _retry;

    /// <summary>Creates the forwarder. <c>random</c> draws the backoff jitter; it must be thread-safe (the default, <see cref="Random.Shared"/>, is).</summary>
    public RemoteForwarder(
        RemoteKeyserverDirectory directory,
        UpstreamCache upstreams,
        IOptions<ForwardingOptions> options,
        IOptions<KeyServerOptions> keyServer,
        TimeProvider time,
        ForwardingMetrics metrics,
        ILogger<RemoteForwarder> logger,
        Random? random = null)
    {
        _directory = directory;
        _upstreams = upstreams;
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _random = random ?? Random.Shared;
        _selfId = keyServer.Value.Id;
        _servedBy = new ServedBy { KeyserverId = keyServer.Value.Id, Datacenter = keyServer.Value.Datacenter };

        var builder = new ResiliencePipelineBuilder<ForwardAttempt> { TimeProvider = time, Name = "keylessgeo-forward" };
        if (_options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<ForwardAttempt>
            {
                MaxRetryAttempts = _options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Constant,
                Delay = TimeSpan.Zero,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome, args.AttemptNumber)),
                DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(
                    args.Context.Properties.TryGetValue(CallKey, out var call) ? call.NextDelay : TimeSpan.Zero),
            });
        }

        _retry = builder.Build();
    }

    /// <inheritdoc />
    public async ValueTask<SignResponse> ForwardAsync(SignRequest request, IReadOnlyCollection<string> permittedDatacenters, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(permittedDatacenters);
        cancellationToken.ThrowIfCancellationRequested();
        var started = _time.GetTimestamp();
        if (deadline <= _time.GetUtcNow())
        {
            return Fail(request, ErrorCode.DeadlineExceeded, "the deadline passed before the request could be forwarded to a permitted region", started);
        }

        var candidates = _directory.Candidates(permittedDatacenters);
        if (candidates.Length == 0)
        {
            return Fail(request, ErrorCode.Unavailable, NoCandidates(permittedDatacenters), started);
        }

        var call = new ForwardCall(request, candidates, deadline, cancellationToken);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        Outcome<ForwardAttempt> outcome;
        try
        {
            context.Properties.Set(CallKey, call);
            outcome = await _retry.ExecuteOutcomeAsync(
                static (context, state) => state.Forwarder.AttemptAsync(context, state.Call),
                context,
                (Forwarder: this, Call: call)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (outcome.Exception is { } exception)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ForwardingLog.ForwardCrashed(_logger, request.Id, exception);
            return Fail(request, ErrorCode.Internal, "forwarding failed inside this keyserver; its log has the cause", started);
        }

        var attempt = outcome.Result!;
        if (attempt.Response is { } response)
        {
            _metrics.Forwarded(response.Error?.Code ?? ErrorCode.Unspecified, attempt.FromRemote, _time.GetElapsedTime(started));
            ForwardingLog.RequestForwarded(
                _logger, request.Id, call.AnsweredBy?.KeyserverId ?? "", call.AnsweredBy?.DatacenterId ?? "",
                response.Error is { } error ? WireNames.Of(error.Code) : "OK", call.Attempts);
            return response;
        }

        return FailAfterAttempts(call, attempt, started);
    }

    private bool ShouldRetry(ResilienceContext context, Outcome<ForwardAttempt> outcome, int attemptNumber)
    {
        if (outcome.Result is not { IsRetryable: true } || !context.Properties.TryGetValue(CallKey, out var call))
        {
            return false;
        }

        var delay = ForwardBackoff.Delay(attemptNumber, _options.BackoffBase, _options.BackoffMax, _random.NextDouble());
        if (call.Deadline - _time.GetUtcNow() <= delay)
        {
            // The next attempt could not start before the deadline: answer now instead of waiting.
            call.OutOfTime = true;
            return false;
        }

        call.NextDelay = delay;
        return true;
    }

    private async ValueTask<Outcome<ForwardAttempt>> AttemptAsync(ResilienceContext context, ForwardCall call)
    {
        // Each pass either sends a request, or passes over a candidate whose circuit rejected the
        // call without sending anything; when every candidate did, all circuits are open.
        for (var pass = 0; pass < call.Candidates.Length; pass++)
        {
            var remaining = call.Deadline - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return Outcome.FromResult(ForwardAttempt.Failed(AttemptFailure.DeadlineExceeded, "the deadline passed"));
            }

            var candidate = call.NextCandidate();
            Upstream upstream;
            try
            {
                upstream = _upstreams.Acquire(candidate.Endpoint);
            }
            catch (Exception ex) when (ex is ArgumentException or ObjectDisposedException)
            {
                var failed = ForwardAttempt.Failed(AttemptFailure.UpstreamFailed, ex.Message);
                call.Record(candidate, failed);
                return Outcome.FromResult(failed);
            }

            try
            {
                call.AttemptTimeout = remaining < _options.AttemptTimeout ? remaining : _options.AttemptTimeout;
                var outcome = await upstream.Pipeline.ExecuteOutcomeAsync(
                    static (context, state) => state.Forwarder.CallAsync(context, state.Upstream, state.Call),
                    context,
                    (Forwarder: this, Upstream: upstream, Call: call)).ConfigureAwait(false);
                if (outcome.Exception is BrokenCircuitException)
                {
                    // Opened, or half-open with its one trial call under way: nothing was sent.
                    _metrics.CircuitSkipped();
                    call.Skipped(candidate);
                    continue;
                }

                if (outcome.Exception is OperationCanceledException && call.CallerToken.IsCancellationRequested)
                {
                    return outcome;
                }

                var attempt = outcome.Exception switch
                {
                    null => outcome.Result!,
                    TimeoutRejectedException when call.Deadline <= _time.GetUtcNow() => ForwardAttempt.Failed(AttemptFailure.DeadlineExceeded, "the deadline passed while waiting for the answer"),
                    TimeoutRejectedException => ForwardAttempt.Failed(AttemptFailure.TimedOut, $"no answer within {call.AttemptTimeout.TotalMilliseconds:0} ms"),
                    var other => ForwardAttempt.Failed(AttemptFailure.UpstreamFailed, $"{other.GetType().Name}: {other.Message}"),
                };
                call.Record(candidate, attempt);
                _metrics.Attempted(attempt.Failure);
                if (attempt.Response is null)
                {
                    ForwardingLog.AttemptFailed(_logger, call.Attempts, call.Request.Id, candidate.KeyserverId, candidate.Endpoint, attempt.Failure, attempt.Detail);
                }

                return Outcome.FromResult(attempt);
            }
            finally
            {
                upstream.Release();
            }
        }

        return Outcome.FromResult(ForwardAttempt.Failed(AttemptFailure.AllCircuitsOpen, "every candidate's circuit is open"));
    }

    private async ValueTask<Outcome<ForwardAttempt>> CallAsync(ResilienceContext context, Upstream upstream, ForwardCall call)
    {
        call.Sent();

        // gRPC deadlines are on the system clock; the request's deadline is on this keyserver's
        // TimeProvider (the same clock outside tests), so send the remaining time.
        var remaining = call.Deadline - _time.GetUtcNow();
        var options = new CallOptions(
            headers: new Metadata { { ForwardingHeaders.ForwardedBy, _selfId } },
            deadline: DateTime.UtcNow + (remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero),
            cancellationToken: context.CancellationToken);
        try
        {
            using var rpc = upstream.Client.SignAsync(call.Request, options);
            var response = await rpc.ResponseAsync.ConfigureAwait(false);
            return Outcome.FromResult(response.OutcomeCase == SignResponse.OutcomeOneofCase.None
                ? ForwardAttempt.Failed(AttemptFailure.UpstreamFailed, "answered with neither a result nor an error")
                : ForwardAttempt.Answered(response));
        }
        catch (Exception ex) when (context.CancellationToken.IsCancellationRequested && ex is RpcException { StatusCode: StatusCode.Cancelled } or OperationCanceledException)
        {
            // The attempt's timeout or the caller: the timeout strategy tells them apart, from an
            // OperationCanceledException.
            return Outcome.FromException<ForwardAttempt>(new OperationCanceledException(context.CancellationToken));
        }
        catch (RpcException ex)
        {
            return Outcome.FromResult(Classify(ex, call.Request));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            return Outcome.FromResult(ForwardAttempt.Failed(AttemptFailure.ConnectionFailed, ex.Message));
        }
    }

    private ForwardAttempt Classify(RpcException ex, SignRequest request) => ex.StatusCode switch
    {
        StatusCode.Unavailable => ForwardAttempt.Failed(AttemptFailure.ConnectionFailed, Describe(ex)),
        StatusCode.DeadlineExceeded => ForwardAttempt.Failed(AttemptFailure.DeadlineExceeded, Describe(ex)),

        // The remote's transport refused the call for its limits: overload, which is never retried.
        StatusCode.ResourceExhausted => ForwardAttempt.AnsweredHere(Error(request, ErrorCode.Overloaded, $"the remote keyserver refused the forwarded request: {Describe(ex)}")),

        // The remote could not read what we sent: another keyserver would not either.
        StatusCode.InvalidArgument or StatusCode.OutOfRange => ForwardAttempt.AnsweredHere(Error(request, ErrorCode.BadRequest, $"the remote keyserver could not read the forwarded request: {Describe(ex)}")),
        _ => ForwardAttempt.Failed(AttemptFailure.UpstreamFailed, Describe(ex)),
    };

    private SignResponse FailAfterAttempts(ForwardCall call, ForwardAttempt last, long started)
    {
        var regions = call.Regions();
        if (last.Failure == AttemptFailure.DeadlineExceeded || call.Deadline <= _time.GetUtcNow())
        {
            return Fail(call.Request, ErrorCode.DeadlineExceeded, $"the deadline passed before a keyserver of {regions} answered ({call.Attempts} attempts: {call.Tried})", started);
        }

        var message = last.Failure == AttemptFailure.AllCircuitsOpen
            ? $"no keyserver of {regions} can be reached now: every permitted one is failing and its circuit is open ({call.Tried})"
            : $"no keyserver of {regions} answered after {call.Attempts} attempts{(call.OutOfTime ? ", and no time is left for another" : "")} ({call.Tried})";
        return Fail(call.Request, ErrorCode.Unavailable, message, started);
    }

    private string NoCandidates(IReadOnlyCollection<string> permittedDatacenters)
    {
        var datacenters = permittedDatacenters.Count == 0 ? "(none)" : string.Join(", ", permittedDatacenters);
        return _directory.View is null
            ? $"no keyserver of datacenters {datacenters} is known yet: this keyserver has not read the control-plane store's keyserver leases"
            : $"no live keyserver of datacenters {datacenters} is known to this keyserver";
    }

    private SignResponse Fail(SignRequest request, ErrorCode code, string message, long started)
    {
        _metrics.Forwarded(code, remote: false, _time.GetElapsedTime(started));
        ForwardingLog.ForwardFailed(_logger, request.Id, WireNames.Of(code), message);
        return Error(request, code, message);
    }

    private SignResponse Error(SignRequest request, ErrorCode code, string message) => new()
    {
        Id = request.Id,
        Error = new SignError { Code = code, Message = "forwarding: " + message },
        ServedBy = _servedBy.Clone(),
    };

    private static string Describe(RpcException ex) =>
        ex.Status.Detail.Length == 0 ? ex.StatusCode.ToString() : $"{ex.StatusCode}: {ex.Status.Detail}";
}
