using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// What this keyserver presents to, and trusts of, remote keyservers: its client certificate
/// and the CA their server certificates must chain to. Loaded once; shared by every upstream channel.
/// </summary>
internal sealed class ForwardingClientTls(X509Certificate2 clientCertificate, X509Certificate2Collection trustedCa) : IDisposable
{
    public X509Certificate2 ClientCertificate { get; } = clientCertificate;

    public X509Certificate2Collection TrustedCa { get; } = trustedCa;

    /// <summary>Loads the files <paramref name="options"/> name.</summary>
    /// <exception cref="InvalidOperationException">A file cannot be loaded (the message names it).</exception>
    public static ForwardingClientTls Load(ForwardingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificate = MutualTls.LoadPem(options.ClientCertificatePath, options.ClientKeyPath);
        try
        {
            return new ForwardingClientTls(certificate, MutualTls.LoadPemBundle(options.TrustedCaPath));
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"Cannot load {ForwardingOptions.SectionName}:TrustedCaPath '{options.TrustedCaPath}': {ex.Message}", ex);
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        ClientCertificate.Dispose();
        foreach (var ca in TrustedCa)
        {
            ca.Dispose();
        }
    }
}
