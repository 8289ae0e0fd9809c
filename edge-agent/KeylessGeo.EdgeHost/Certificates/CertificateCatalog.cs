using KeylessGeo.EdgeHost.Configuration;

namespace KeylessGeo.EdgeHost.Certificates;

/// <summary>
/// Picks the certificate for a connection from its server name (SNI): an exact host first, then a
/// one-label wildcard; the first configured certificate when there is no name or no match.
/// </summary>
internal sealed class CertificateCatalog
{
    private readonly Dictionary<string, ServedCertificate> _byHost = new(StringComparer.Ordinal);

    public CertificateCatalog(IReadOnlyList<(CertificateOptions Options, ServedCertificate Served)> certificates)
    {
        if (certificates.Count == 0)
        {
            throw new ArgumentException("At least one certificate is required.", nameof(certificates));
        }

        Default = certificates[0].Served;
        All = [.. certificates.Select(c => c.Served)];
        foreach (var (options, served) in certificates)
        {
            foreach (var host in options.Hosts)
            {
                _byHost.TryAdd(ServerNames.Normalize(host), served);
            }
        }
    }

    /// <summary>The certificate for connections without a server name or with one nobody lists.</summary>
    public ServedCertificate Default { get; }

    /// <summary>Every certificate, in configuration order.</summary>
    public IReadOnlyList<ServedCertificate> All { get; }

    /// <summary>The certificate for <paramref name="serverName"/>.</summary>
    public ServedCertificate Select(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return Default;
        }

        var name = ServerNames.Normalize(serverName);
        if (_byHost.TryGetValue(name, out var exact))
        {
            return exact;
        }

        return ServerNames.WildcardOf(name) is { } wildcard && _byHost.TryGetValue(wildcard, out var matched) ? matched : Default;
    }
}
