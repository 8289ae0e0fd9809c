using System.Diagnostics;
using System.Diagnostics.Metrics;
using KeylessGeo.Serving.Diagnostics;

namespace KeylessGeo.Serving.Connections;

/// <summary>The connection limits' instruments, on the keyserver's meter (names in <see cref="ServingInstruments"/>).</summary>
internal sealed class ConnectionLimitMetrics
{
    private readonly Meter _meter;
    private readonly Counter<long> _refused;

    public ConnectionLimitMetrics(IMeterFactory meterFactory, ServingMeter meterName)
    {
        _meter = meterFactory.Create(meterName.Name);
        _refused = _meter.CreateCounter<long>(ServingInstruments.ConnectionsRefused, "{connection}", "Connections closed at once because a connection limit was reached.");
    }

    /// <summary>Counts a refused connection.</summary>
    public void Refused(string endpoint, ConnectionRefusal refusal) => _refused.Add(
        1,
        new TagList
        {
            { ServingInstruments.EndpointTag, endpoint },
            { ServingInstruments.ConnectionLimitTag, Name(refusal) },
        });

    /// <summary>Publishes <paramref name="budget"/>'s size and use as gauges.</summary>
    public void Observe(DescriptorBudget budget)
    {
        _meter.CreateObservableGauge(ServingInstruments.DescriptorBudget, () => budget.MaxConnections, "{connection}", "Connections the process may hold before it refuses new ones to keep descriptors in reserve.");
        _meter.CreateObservableGauge(ServingInstruments.DescriptorBudgetUsed, () => budget.OpenConnections, "{connection}", "Connections counted against the descriptor budget.");
    }

    /// <summary>Publishes the bytes <paramref name="budget"/> holds as a gauge.</summary>
    public void Observe(ResponseBudget budget) =>
        _meter.CreateObservableGauge(ServingInstruments.QueuedResponseBytes, () => budget.QueuedBytes, "By", "Responses queued and not yet written to their sockets.");

    internal static string Name(ConnectionRefusal refusal) => refusal switch
    {
        ConnectionRefusal.Descriptors => "descriptors",
        ConnectionRefusal.Endpoint => "endpoint",
        ConnectionRefusal.Client => "client",
        _ => "none",
    };
}
