using System.Net;

namespace KeylessGeo.EdgeHost.Configuration;

/// <summary>Checks the edge host's settings and reports every problem at once.</summary>
internal static class EdgeHostSettingsValidator
{
    public static void Validate(EdgeHostSettings settings, List<string> failures)
    {
        ValidateHttps(settings.Https, failures);
        ValidateEngine(settings.Engine, settings.Certificates, failures);
        ValidateCertificates(settings.Certificates, failures);
        ValidateHandshakes(settings.Handshakes, failures);
    }

    private static void ValidateHttps(HttpsOptions https, List<string> failures)
    {
        const string section = HttpsOptions.SectionName;
        if (!IPAddress.TryParse(https.Address, out _))
        {
            failures.Add($"{section}:Address '{https.Address}' is not an IP address (0.0.0.0 listens on every IPv4 interface).");
        }

        if (https.Port is < 0 or > 65535)
        {
            failures.Add($"{section}:Port {https.Port} is outside 0..65535 (0 picks a free port).");
        }

        if (https.MinimumTlsVersion is not ("1.2" or "1.3"))
        {
            failures.Add($"{section}:MinimumTlsVersion '{https.MinimumTlsVersion}' must be 1.2 or 1.3.");
        }

        if (https.HandshakeTimeout <= TimeSpan.Zero || https.HandshakeTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{section}:HandshakeTimeout {https.HandshakeTimeout} must be positive and at most one minute.");
        }
    }

    private static void ValidateEngine(EngineOptions engine, IReadOnlyList<CertificateOptions> certificates, List<string> failures)
    {
        const string section = EngineOptions.SectionName;
        if (!certificates.Any(c => c.LocalKeyPath.Length == 0))
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(engine.Id))
        {
            failures.Add($"{section}:Id is required (the engine id the OpenSSL module registers, keylessgeo).");
        }

        if (engine.Path.Length > 0 && !File.Exists(engine.Path))
        {
            failures.Add($"{section}:Path '{engine.Path}' does not exist (build the module with scripts/build-engine.sh).");
        }
    }

    private static void ValidateCertificates(IReadOnlyList<CertificateOptions> certificates, List<string> failures)
    {
        const string section = CertificateOptions.SectionName;
        if (certificates.Count == 0)
        {
            failures.Add($"{section}: at least one certificate is required.");
        }

        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < certificates.Count; i++)
        {
            var certificate = certificates[i];
            var at = $"{section}:{i}";
            if (certificate.CertificatePath.Length == 0)
            {
                failures.Add($"{at}:CertificatePath is required.");
            }
            else if (!File.Exists(certificate.CertificatePath))
            {
                failures.Add($"{at}:CertificatePath '{certificate.CertificatePath}' does not exist.");
            }

            if (certificate.LocalKeyPath.Length > 0 && certificate.KeyId.Length > 0)
            {
                failures.Add($"{at}: KeyId (a key in a keyserver) and LocalKeyPath (a key on disk) exclude each other.");
            }

            if (certificate.LocalKeyPath.Length > 0 && !File.Exists(certificate.LocalKeyPath))
            {
                failures.Add($"{at}:LocalKeyPath '{certificate.LocalKeyPath}' does not exist.");
            }

            foreach (var host in certificate.Hosts)
            {
                if (!ServerNames.IsValidPattern(host))
                {
                    failures.Add($"{at}:Hosts '{host}' is not a host name or a one-label wildcard such as *.example.com.");
                }
                else if (!hosts.Add(host))
                {
                    failures.Add($"{at}:Hosts '{host}' is served by an earlier certificate already.");
                }
            }
        }
    }

    private static void ValidateHandshakes(HandshakeOptions handshakes, List<string> failures)
    {
        const string section = HandshakeOptions.SectionName;
        if (handshakes.MaxConcurrent is < 1 or > 4096)
        {
            failures.Add($"{section}:MaxConcurrent {handshakes.MaxConcurrent} is outside 1..4096 (each keyless handshake in progress holds a thread).");
        }

        if (handshakes.MaxQueued is < 0 or > 1_000_000)
        {
            failures.Add($"{section}:MaxQueued {handshakes.MaxQueued} is outside 0..1000000.");
        }

        if (handshakes.QueueTimeout < TimeSpan.Zero || handshakes.QueueTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{section}:QueueTimeout {handshakes.QueueTimeout} must be between zero and one minute.");
        }
    }
}
