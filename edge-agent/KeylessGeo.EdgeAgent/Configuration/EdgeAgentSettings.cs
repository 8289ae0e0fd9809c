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
            Bind<AgentOptions>(configuration, AgentOptions.SectionName, failures),
            Bind<EndpointOptions>(configuration, EndpointOptions.SectionName, failures),
            Bind<UpstreamOptions>(configuration, UpstreamOptions.SectionName, failures),
            Bind<KeylessOptions>(configuration, KeylessOptions.SectionName, failures));
        EdgeAgentSettingsValidator.Validate(settings, failures);
        return settings;
    }

    /// <summary>
    /// Binds <paramref name="section"/> strictly: a value of the wrong type, or a key the options do
    /// not have, is added to <paramref name="failures"/> and the defaults are returned.
    /// </summary>
    internal static T Bind<T>(IConfiguration configuration, string section, List<string> failures)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>(binder => binder.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException e)
        {
            // The binder names the key and the expected type; its inner exception says why the value did not convert.
            failures.Add(e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message);
            return new T();
        }
    }
}
