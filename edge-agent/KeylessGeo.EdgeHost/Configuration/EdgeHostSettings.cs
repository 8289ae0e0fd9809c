using KeylessGeo.Serving.Hosting;
using Microsoft.Extensions.Configuration;

namespace KeylessGeo.EdgeHost.Configuration;

/// <summary>
/// Every section of the edge host's configuration, bound strictly (a misspelt key or a value of
/// the wrong type is an error, not a silent default) and checked, all problems in one list.
/// </summary>
public sealed record EdgeHostSettings(
    EdgeHostOptions Host, HttpsOptions Https, EngineOptions Engine, IReadOnlyList<CertificateOptions> Certificates, HandshakeOptions Handshakes)
{
    /// <summary>Binds and validates; <paramref name="failures"/> lists every problem found.</summary>
    public static EdgeHostSettings Read(IConfiguration configuration, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(failures);
        var settings = new EdgeHostSettings(
            StrictBinding.Bind<EdgeHostOptions>(configuration, EdgeHostOptions.SectionName, failures),
            StrictBinding.Bind<HttpsOptions>(configuration, HttpsOptions.SectionName, failures),
            StrictBinding.Bind<EngineOptions>(configuration, EngineOptions.SectionName, failures),
            StrictBinding.Bind<List<CertificateOptions>>(configuration, CertificateOptions.SectionName, failures),
            StrictBinding.Bind<HandshakeOptions>(configuration, HandshakeOptions.SectionName, failures));
        EdgeHostSettingsValidator.Validate(settings, failures);
        return settings;
    }

    /// <summary>The host's name: <see cref="EdgeHostOptions.Id"/>, or the machine name.</summary>
    public string HostId => Host.Id.Length > 0 ? Host.Id : Environment.MachineName;
}
