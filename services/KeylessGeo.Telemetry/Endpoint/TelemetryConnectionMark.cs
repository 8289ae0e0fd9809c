using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace KeylessGeo.Telemetry.Endpoint;

/// <summary>
/// Marks connections accepted by the telemetry endpoint, so the request pipeline can tell them
/// from the service ports' without knowing a port chosen at bind time.
/// </summary>
internal static class TelemetryConnectionMark
{
    private static readonly object Key = new();

    /// <summary>Connection middleware: marks every connection of the endpoint it is added to.</summary>
    public static ConnectionDelegate Mark(ConnectionDelegate next) => connection =>
    {
        connection.Items[Key] = Key;
        return next(connection);
    };

    /// <summary>True when <paramref name="context"/> arrived on the telemetry endpoint.</summary>
    public static bool IsMarked(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(Key) == true;
}
