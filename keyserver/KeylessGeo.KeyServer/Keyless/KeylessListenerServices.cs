using KeylessGeo.KeyServer.Signing;

namespace KeylessGeo.KeyServer.Keyless;

/// <summary>What every connection of the Keyless listener shares.</summary>
/// <param name="Signing">The signing core.</param>
/// <param name="KeyTypes">Tells a key-type mismatch from other bad requests.</param>
/// <param name="Metrics">The listener's instruments.</param>
/// <param name="MaxInFlightPerConnection">Requests read and not yet answered, per connection.</param>
/// <param name="MaxBodyLength">The largest body accepted.</param>
internal sealed record KeylessListenerServices(
    ISigningService Signing,
    KeyTypeSupport KeyTypes,
    KeylessMetrics Metrics,
    int MaxInFlightPerConnection,
    int MaxBodyLength);
