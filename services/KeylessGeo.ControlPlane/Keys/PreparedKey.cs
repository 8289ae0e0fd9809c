using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>
/// A private key read and checked before any store access: the PKCS#8 (pinned, zeroed on
/// <see cref="Dispose"/>), the certificate, the host names and the warnings.
/// </summary>
internal sealed class PreparedKey : IDisposable
{
    private PreparedKey(
        ParsedPrivateKey key, string? certificatePem, ImmutableArray<string> hostNames, ImmutableArray<byte[]> ipAddresses, ImmutableArray<FieldError> warnings)
    {
        Key = key;
        CertificatePem = certificatePem;
        IpAddresses = ipAddresses;
        HostNames = hostNames;
        Warnings = warnings;
    }

    public ParsedPrivateKey Key { get; }

    public string? CertificatePem { get; }

    /// <summary>The certificate's SAN IP addresses, as the record holds them; empty without a certificate.</summary>
    public ImmutableArray<byte[]> IpAddresses { get; }

    /// <summary>The given host names and the certificate's, normalized and sorted.</summary>
    public ImmutableArray<string> HostNames { get; }

    /// <summary>True when neither host names nor a certificate were given.</summary>
    public bool NamesGiven { get; private init; }

    public ImmutableArray<FieldError> Warnings { get; }

    /// <summary>Reads and checks everything; a 400 or 422 on the first field that is wrong (host names: all of them).</summary>
    public static PreparedKey Read(KeyMaterial material, string? certificatePem, ImmutableArray<string> hostNames, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(material);
        var given = HostNameRules.Normalize(hostNames.IsDefault ? [] : hostNames);
        var key = PrivateKeyReader.Read(material);
        try
        {
            var names = new SortedSet<string>(given, StringComparer.Ordinal);
            string? pem = null;
            var ips = ImmutableArray<byte[]>.Empty;
            var warnings = ImmutableArray<FieldError>.Empty;
            if (certificatePem is not null)
            {
                (pem, var certified, ips, var warning) = CertificateReader.Read(certificatePem, key.Identity, now);
                names.UnionWith(certified);
                warnings = warning is null ? [] : [new FieldError(CertificateReader.Field, warning)];
            }

            return new PreparedKey(key, pem, [.. names], ips, warnings) { NamesGiven = !given.IsEmpty || pem is not null };
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public void Dispose() => Key.Dispose();
}
