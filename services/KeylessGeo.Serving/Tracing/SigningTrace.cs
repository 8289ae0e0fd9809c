using System.Diagnostics;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Serving.Tracing;

/// <summary>
/// The spans of a signing request and how their context travels between processes: in the
/// request's own <c>traceparent</c> and <c>tracestate</c> fields (W3C Trace Context), since the
/// requests of one <c>SignStream</c> share a single call's metadata. Every method returns at once
/// when nothing listens to <see cref="SourceName"/>, so tracing that is off costs one check.
/// </summary>
public static class SigningTrace
{
    /// <summary>The activity source of every signing span; a process exports it to trace requests.</summary>
    public const string SourceName = "KeylessGeo.Signing";

    /// <summary>The span of a request a process serves (a listener's request).</summary>
    public const string ServerSpan = "keylessgeo.sign";

    /// <summary>The span of one attempt to have another process serve a request (the agent's upstream call).</summary>
    public const string ClientSpan = "keylessgeo.upstream";

    // W3C Trace Context: vendors may drop a tracestate longer than 512 characters. Longer ones are
    // not carried into spans, so a caller cannot make every sampled span (and export) large.
    private const int MaxTracestateLength = 512;

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>True when a tracer listens: spans are worth starting.</summary>
    public static bool Enabled => Source.HasListeners();

    /// <summary>
    /// Starts the span of a request being served, the child of the caller's span named in the
    /// request (or of the current span, such as a gRPC call's, when the request names none).
    /// Null when not sampled or nothing listens.
    /// </summary>
    public static Activity? StartServer(SignRequest request, bool forwarded)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = request.Traceparent.Length > 0
            && ActivityContext.TryParse(request.Traceparent, request.Tracestate.Length is > 0 and <= MaxTracestateLength ? request.Tracestate : null, isRemote: true, out var parent)
                ? Source.StartActivity(ServerSpan, ActivityKind.Server, parent)
                : Source.StartActivity(ServerSpan, ActivityKind.Server);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("keylessgeo.operation", WireNames.TagOf(request.Operation));
            activity.SetTag("keylessgeo.request.id", request.Id);
            if (forwarded)
            {
                activity.SetTag("keylessgeo.forwarded", true);
            }
        }

        return activity;
    }

    /// <summary>
    /// Starts the span of one upstream attempt, a child of the current span, and writes its context
    /// into <paramref name="outgoing"/> (the copy sent upstream) so the upstream's span is its
    /// child. With nothing listening the copy keeps the context it arrived with, so a terminator's
    /// trace still reaches the keyserver through an agent that does not trace.
    /// </summary>
    public static Activity? StartClient(SignRequest outgoing, string upstream)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(ClientSpan, ActivityKind.Client);
        if (activity is null)
        {
            return null;
        }

        if (activity.IdFormat == ActivityIdFormat.W3C && activity.Id is { } id)
        {
            outgoing.Traceparent = id;
            outgoing.Tracestate = activity.TraceStateString ?? "";
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag("keylessgeo.upstream", upstream);
        }

        return activity;
    }

    /// <summary>Records the answer on a span: the error code (and an error status) or the keyserver that served it.</summary>
    public static void Finish(Activity activity, SignResponse response)
    {
        if (!activity.IsAllDataRequested)
        {
            return;
        }

        if (response.ServedBy is { KeyserverId.Length: > 0 } servedBy)
        {
            activity.SetTag("keylessgeo.served_by", servedBy.KeyserverId);
        }

        if (response.Error is { } error)
        {
            activity.SetTag("keylessgeo.error", WireNames.Of(error.Code));
            activity.SetStatus(ActivityStatusCode.Error, WireNames.Of(error.Code));
        }
    }

    /// <summary>Records a failed attempt (no answer) on a span.</summary>
    public static void Fail(Activity activity, string outcome)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("keylessgeo.attempt.outcome", outcome);
            activity.SetStatus(ActivityStatusCode.Error, outcome);
        }
    }
}
