using System.Diagnostics;
using System.Diagnostics.Metrics;
using KeylessGeo.KeyServer.Diagnostics;

namespace KeylessGeo.KeyServer.Connections;

/// <summary>The connection limits' instruments, on the keyserver's meter (names in <see cref="KeyServerInstruments"/>).</summary>
internal sealed class ConnectionLimitMetrics
{
    private readonly Meter _meter;
    private readonly Counter<long> _refused;

    public ConnectionLimitMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(KeyServerInstruments.MeterName);
        _refused = _meter.CreateCounter<long>(KeyServerInstruments.ConnectionsRefused, "{connection}", "Connections closed at once because a connection limit was reached.");
    }

    /// <summary>Counts a refused connection.</summary>
    public void Refused(string endpoint, ConnectionRefusal refusal) => _refused.Add(
        1,
        new TagList
        {
            { KeyServerInstruments.EndpointTag, endpoint },
            { KeyServerInstruments.ConnectionLimitTag, Name(refusal) },
        });

    /// <summary>Publishes <paramref name="budget"/>'s size and use as gauges.</summary>
    public void Observe(DescriptorBudget budget)
    {
        _meter.CreateObservableGauge(KeyServerInstruments.DescriptorBudget, () => budget.MaxConnections, "{connection}", "Connections the process may hold before it refuses new ones to keep descriptors in reserve.");
        _meter.CreateObservableGauge(KeyServerInstruments.DescriptorBudgetUsed, () => budget.OpenConnections, "{connection}", "Connections counted against the descriptor budget.");
    }

    /// <summary>Publishes the bytes <paramref name="budget"/> holds as a gauge.</summary>
    public void Observe(ResponseBudget budget) =>
        _meter.CreateObservableGauge(KeyServerInstruments.QueuedResponseBytes, () => budget.QueuedBytes, "By", "Responses queued and not yet written to their sockets.");

    internal static string Name(ConnectionRefusal refusal) => refusal switch
    {
        ConnectionRefusal.Descriptors => "descriptors",
        ConnectionRefusal.Endpoint => "endpoint",
        ConnectionRefusal.Client => "client",
        _ => "none",
    };
}
