using KeylessGeo.Contracts.V1;
using KeylessGeo.EdgeAgent.Configuration;
using KeylessGeo.EdgeAgent.Diagnostics;
using KeylessGeo.EdgeAgent.Upstreams;
using KeylessGeo.Serving.Hosting;
using KeylessGeo.Serving.Signing;
using KeylessGeo.Serving.Tracing;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace KeylessGeo.EdgeAgent.Routing;

/// <summary>
/// The agent's <see cref="ISigningService"/>: what the shared Keyless and gRPC listeners call. A
/// request goes to the node-local keyserver while it is available and not saturated, with no
/// retry (a timeout there means overload); if its connection cannot be opened, or it is
/// unavailable or saturated, the request goes to the datacenter's other keyservers, chosen by
/// capacity-weighted least outstanding requests and retried elsewhere on transport failures
/// within the deadline. Answers are passed on as they are: an error code from a keyserver,
/// <c>OVERLOADED</c> above all, is never retried.
/// </summary>
internal sealed class EdgeSigningService : ISigningService
{
    private readonly UpstreamPool _pool;
    private readonly UpstreamOptions _upstreams;
    private readonly TimeSpan _defaultDeadline;
    private readonly ServingIdentity _identity;
    private readonly EdgeAgentMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<SignResponse> _datacenterRetry;
    private const string AllAtBound = "Every keyserver the agent may use is at its in-flight bound (Upstreams:MaxInFlightPerUpstream).";

    private readonly CapacitySignal _capacityFreed = new();

    public EdgeSigningService(
        UpstreamPool pool, IOptions<UpstreamOptions> upstreams, IOptions<AgentOptions> agent, ServingIdentity identity, EdgeAgentMetrics metrics, TimeProvider time)
    {
        _pool = pool;
        _upstreams = upstreams.Value;
        _defaultDeadline = agent.Value.DefaultDeadline;
        _identity = identity;
        _metrics = metrics;
        _time = time;
        _datacenterRetry = DatacenterRetryPipeline.Build(_upstreams.Datacenter, metrics, time);
    }

    public async ValueTask<SignResponse> SignAsync(SignRequest request, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var budget = deadline is { } due ? due - _time.GetUtcNow() : _defaultDeadline;
        var dueAt = started + (long)(Math.Max(budget.TotalSeconds, 0) * _time.TimestampFrequency);
        SignResponse response;
        RoutePath path;
        var mayHaveHeldSlot = true;
        try
        {
            (response, path) = budget <= TimeSpan.Zero
                ? (Error(ErrorCode.DeadlineExceeded, "The request's deadline had passed before the agent could send it."), RoutePath.None)
                : await RouteAsync(request, dueAt, cancellationToken).ConfigureAwait(false);
            mayHaveHeldSlot = path != RoutePath.None;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Never let one request's unexpected fault reach the listener (and the connection).
            (response, path) = (Error(ErrorCode.Internal, $"The agent failed to route the request ({e.GetType().Name}: {e.Message})."), RoutePath.None);
        }
        finally
        {
            // Only a request that held a keyserver's slot frees one. Waking the readers paused after
            // an OVERLOADED on a refusal would have them read, and refuse, the next request at once.
            if (mayHaveHeldSlot)
            {
                _capacityFreed.Pulse();
            }
        }

        response.Id = request.Id;
        _metrics.Completed(request.Operation, path, response, _time.GetElapsedTime(started));
        return response;
    }

    public Task WhenCapacityFreesAsync(CancellationToken cancellationToken)
    {
        var set = _pool.Current;
        if (set.Local is { Saturated: false } || set.Datacenter.Any(u => !u.Saturated))
        {
            return Task.CompletedTask;
        }

        return _capacityFreed.NextPulse().WaitAsync(cancellationToken);
    }

    public Capacity GetCapacity()
    {
        var set = _pool.Current;
        var inFlight = (set.Local?.Outstanding ?? 0) + set.Datacenter.Sum(u => u.Outstanding);
        var limit = (set.Local?.MaxInFlight ?? 0) + set.Datacenter.Sum(u => u.MaxInFlight);
        return new Capacity
        {
            Load = new Load { InFlight = (uint)inFlight, ConcurrencyLimit = (uint)limit },
            ServedBy = _identity.ToServedBy(),
        };
    }

    /// <summary>One attempt on the datacenter path (called by the retry pipeline).</summary>
    internal async ValueTask<SignResponse> DatacenterAttemptAsync(ResilienceContext context, DatacenterAttempt attempt)
    {
        var upstream = UpstreamSelector.Choose(attempt.Candidates, attempt.Tried, out var miss);
        if (upstream is null || !upstream.TryAcquire())
        {
            attempt.Miss = upstream is null ? miss : SelectionMiss.Saturated;
            throw new NoUpstreamException();
        }

        attempt.Tried.Add(upstream);
        attempt.Attempts++;
        try
        {
            return await AttemptAsync(upstream, attempt.Request, attempt.Deadline, _upstreams.Datacenter.RequestTimeout, context.CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            upstream.Release();
        }
    }

    private async ValueTask<(SignResponse, RoutePath)> RouteAsync(SignRequest request, long deadline, CancellationToken cancellationToken)
    {
        var set = _pool.Current;
        Upstream? skipped = null;
        var localSaturated = false;
        if (set.Local is { } local)
        {
            skipped = local;
            if (!local.Available)
            {
                _metrics.LocalBypassed("unavailable");
            }
            else if (!local.TryAcquire())
            {
                localSaturated = true;
                _metrics.LocalBypassed("saturated");
            }
            else
            {
                try
                {
                    return (await AttemptAsync(local, request, deadline, _upstreams.Local.RequestTimeout, cancellationToken).ConfigureAwait(false), RoutePath.Local);
                }
                catch (Exception e) when (e is UpstreamException { Failure: UpstreamFailure.NotSent } or BrokenCircuitException)
                {
                    // Never reached the keyserver (no connection within the short connect timeout):
                    // sending it elsewhere adds no load here.
                    _metrics.LocalBypassed("unreachable");
                }
                catch (UpstreamException e)
                {
                    return (Error(ErrorCode.Unavailable, $"The node-local keyserver's connection broke with the request in flight ({e.Message}); the node-local path does not retry."), RoutePath.Local);
                }
                catch (TimeoutRejectedException)
                {
                    return (Error(ErrorCode.DeadlineExceeded, "The node-local keyserver did not answer within the request timeout; the node-local path does not retry."), RoutePath.Local);
                }
                finally
                {
                    local.Release();
                }
            }
        }

        if (localSaturated && !AnyFree(set.Datacenter))
        {
            // The common refusal under overload: answered here, without the retry pipeline and the
            // exception it would take to find out that nobody is free. Refusals must cost little,
            // or under a flood they take the CPU that signing needs.
            return (Error(ErrorCode.Overloaded, AllAtBound), RoutePath.None);
        }

        return await DatacenterAsync(set, request, deadline, skipped, localSaturated, cancellationToken).ConfigureAwait(false);
    }

    private static bool AnyFree(IReadOnlyList<Upstream> upstreams)
    {
        for (var i = 0; i < upstreams.Count; i++)
        {
            if (upstreams[i] is { Available: true, Saturated: false })
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<(SignResponse, RoutePath)> DatacenterAsync(
        UpstreamSet set, SignRequest request, long deadline, Upstream? skipped, bool localSaturated, CancellationToken cancellationToken)
    {
        var attempt = new DatacenterAttempt(this, request, deadline, set.Datacenter, skipped);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(DatacenterRetryPipeline.Deadline, deadline);
        try
        {
            var response = await _datacenterRetry.ExecuteAsync(
                static (ctx, state) => state.Service.DatacenterAttemptAsync(ctx, state), context, attempt).ConfigureAwait(false);
            return (response, RoutePath.Datacenter);
        }
        catch (NoUpstreamException) when (attempt.Miss == SelectionMiss.Saturated || (localSaturated && attempt.Attempts == 0))
        {
            return (Error(ErrorCode.Overloaded, AllAtBound), attempt.Attempts > 0 ? RoutePath.Datacenter : RoutePath.None);
        }
        catch (NoUpstreamException)
        {
            return (Error(ErrorCode.Unavailable, attempt.Attempts > 0
                ? $"No other keyserver of the datacenter was left to try after {attempt.Attempts} attempt(s) failed."
                : "No keyserver of the datacenter is available."), attempt.Attempts > 0 ? RoutePath.Datacenter : RoutePath.None);
        }
        catch (TimeoutRejectedException)
        {
            return (Error(ErrorCode.DeadlineExceeded, $"No keyserver answered within the deadline ({attempt.Attempts} attempt(s))."), RoutePath.Datacenter);
        }
        catch (Exception e) when (e is UpstreamException or BrokenCircuitException)
        {
            return (Error(ErrorCode.Unavailable, $"No keyserver could be reached ({attempt.Attempts} attempt(s)); last: {e.Message}"), RoutePath.Datacenter);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<SignResponse> AttemptAsync(Upstream upstream, SignRequest request, long deadline, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        var remaining = TimeSpan.FromSeconds((double)(deadline - _time.GetTimestamp()) / _time.TimestampFrequency);
        if (remaining <= TimeSpan.Zero)
        {
            throw new TimeoutRejectedException("The request's deadline passed before this attempt.");
        }

        var timeout = remaining < requestTimeout ? remaining : requestTimeout;

        // The keyserver gets the attempt's own budget, so it refuses at once (OVERLOADED) what it could
        // not start in time instead of working for an answer nobody waits for.
        var copy = request.Clone();
        copy.TimeoutMs = (uint)Math.Max(1, Math.Ceiling(timeout.TotalMilliseconds));
        using var span = SigningTrace.StartClient(copy, upstream.Id);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AttemptProperties.Timeout, timeout);
        try
        {
            var response = await upstream.Pipeline.ExecuteAsync(
                static (ctx, state) => new ValueTask<SignResponse>(state.upstream.SendAsync(state.copy, ctx.CancellationToken)), context, (upstream, copy)).ConfigureAwait(false);
            _metrics.Attempted(upstream, "answered");
            if (span is not null)
            {
                SigningTrace.Finish(span, response);
            }

            return response;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var outcome = e switch
            {
                TimeoutRejectedException => "timeout",
                BrokenCircuitException => "breaker_open",
                UpstreamException { Failure: UpstreamFailure.NotSent } => "not_sent",
                _ => "broken",
            };
            _metrics.Attempted(upstream, outcome);
            if (span is not null)
            {
                SigningTrace.Fail(span, outcome);
            }

            throw;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private SignResponse Error(ErrorCode code, string message) =>
        new() { Error = new SignError { Code = code, Message = message }, ServedBy = _identity.ToServedBy() };
}
