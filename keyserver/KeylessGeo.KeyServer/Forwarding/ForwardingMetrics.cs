using System.Diagnostics.Metrics;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Signing;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>Forwarding instruments on the keyserver's meter.</summary>
internal sealed class ForwardingMetrics
{
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _circuitSkips;
    private readonly Counter<long> _circuitTransitions;
    private readonly Counter<long> _directoryFailures;

    public ForwardingMetrics(IMeterFactory meterFactory, RemoteKeyserverDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(KeyServerInstruments.MeterName);
        _requests = meter.CreateCounter<long>(ForwardingInstruments.Requests, "{request}", "Requests forwarded to keyservers of other regions, by final answer.");
        _duration = meter.CreateHistogram<double>(ForwardingInstruments.Duration, "s", "Time from a forwarded request's first attempt to its answer.");
        _attempts = meter.CreateCounter<long>(ForwardingInstruments.Attempts, "{attempt}", "Requests sent to remote keyservers, by outcome.");
        _circuitSkips = meter.CreateCounter<long>(ForwardingInstruments.CircuitSkips, "{upstream}", "Remote keyservers passed over because their circuit was open.");
        _circuitTransitions = meter.CreateCounter<long>(ForwardingInstruments.CircuitTransitions, "{transition}", "Circuit breaker state changes of remote keyservers.");
        _directoryFailures = meter.CreateCounter<long>(ForwardingInstruments.DirectoryFailures, "{failure}", "Failed reads of the remote keyserver directory.");
        directory.RefreshFailed += DirectoryFailed;
        meter.CreateObservableGauge(ForwardingInstruments.DirectoryKeyservers, () => directory.View?.Count ?? 0, "{keyserver}", "Remote keyservers in the directory's current view.");
    }

    public void Forwarded(ErrorCode code, bool remote, TimeSpan elapsed)
    {
        var tags = new System.Diagnostics.TagList
        {
            { KeyServerInstruments.ErrorCodeTag, TagOf(code) },
            { ForwardingInstruments.AnsweredByTag, remote ? "remote" : "forwarder" },
        };
        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    public void Attempted(AttemptFailure outcome) =>
        _attempts.Add(1, new KeyValuePair<string, object?>(ForwardingInstruments.AttemptOutcomeTag, NameOf(outcome)));

    public void CircuitSkipped() => _circuitSkips.Add(1);

    public void CircuitMoved(string state) =>
        _circuitTransitions.Add(1, new KeyValuePair<string, object?>(ForwardingInstruments.CircuitStateTag, state));

    public void DirectoryFailed() => _directoryFailures.Add(1);

    // A remote keyserver of a newer version may send codes this one does not know; they share one
    // tag value so the number of time series stays bounded.
    private static string TagOf(ErrorCode code) =>
        code == ErrorCode.Unspecified ? "OK" : Enum.IsDefined(code) ? WireNames.Of(code) : "UNKNOWN";

    private static string NameOf(AttemptFailure outcome) => outcome switch
    {
        AttemptFailure.None => "answered",
        AttemptFailure.ConnectionFailed => "connection_failed",
        AttemptFailure.TimedOut => "timed_out",
        AttemptFailure.UpstreamFailed => "upstream_failed",
        AttemptFailure.DeadlineExceeded => "deadline_exceeded",
        _ => "other",
    };
}
