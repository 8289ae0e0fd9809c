using System.Net;
using KeylessGeo.Serving.Keyless;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// The addresses this keyserver's advertisement names: <c>Cluster:AdvertisedEndpoints</c>
/// when configured; otherwise the mutual-TLS gRPC endpoints Kestrel actually bound (ports chosen
/// at start included) and the Keyless-protocol endpoint (as <c>keyless://host:port</c>), when they
/// listen on a specific address another process can dial.
/// Wildcard addresses are never advertised: the operator must say which address peers use.
/// </summary>
internal sealed class AdvertisedEndpoints(IOptions<ClusterOptions> options, IServiceProvider services)
{
    private readonly IReadOnlyList<string> _configured = options.Value.AdvertisedEndpoints;

    /// <summary>True when the addresses come from configuration rather than from the bound listeners.</summary>
    public bool Configured => _configured.Count > 0;

    /// <summary>The addresses to advertise now (empty until the server has bound, when none are configured).</summary>
    public IReadOnlyList<string> Current()
    {
        if (Configured)
        {
            return _configured;
        }

        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null)
        {
            return [];
        }

        var keyless = services.GetService<KeylessListenerState>()?.EndPoint;
        var keylessPort = keyless?.Port;
        var found = new List<string>();
        foreach (var address in addresses)
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.Port != keylessPort
                && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any))
            {
                found.Add(uri.GetLeftPart(UriPartial.Authority));
            }
        }

        if (keyless is { Port: > 0 } && !keyless.Address.Equals(IPAddress.Any) && !keyless.Address.Equals(IPAddress.IPv6Any))
        {
            found.Add("keyless://" + keyless);
        }

        return found;
    }
}
