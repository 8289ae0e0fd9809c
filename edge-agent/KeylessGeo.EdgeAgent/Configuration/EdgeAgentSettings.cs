using KeylessGeo.Serving.Hosting;
using KeylessGeo.Serving.Keyless;
using Microsoft.Extensions.Configuration;

namespace KeylessGeo.EdgeAgent.Configuration;

/// <summary>
/// Every section of the agent's configuration, bound strictly (a misspelt key or a value of the
/// wrong type is an error, not a silent default) and checked, all problems collected into one list.
/// </summary>
public sealed record EdgeAgentSettings(AgentOptions Agent, EndpointOptions Endpoint, UpstreamOptions Upstreams, KeylessOptions Keyless)
{
    /// <summary>Binds and validates; <paramref name="failures"/> lists every problem found.</summary>
    public static EdgeAgentSettings Read(IConfiguration configuration, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(failures);
        var settings = new EdgeAgentSettings(
            StrictBinding.Bind<AgentOptions>(configuration, AgentOptions.SectionName, failures),
            StrictBinding.Bind<EndpointOptions>(configuration, EndpointOptions.SectionName, failures),
            StrictBinding.Bind<UpstreamOptions>(configuration, UpstreamOptions.SectionName, failures),
            StrictBinding.Bind<KeylessOptions>(configuration, KeylessOptions.SectionName, failures));
        EdgeAgentSettingsValidator.Validate(settings, failures);
        return settings;
    }
}
