using System.Net;

namespace KeylessGeo.KeyServer.Cluster.Silo;

/// <summary>Lists every problem of <see cref="SiloOptions"/>, each naming its <c>Cluster:Silo:</c> key and the value found.</summary>
internal static class SiloOptionsValidator
{
    private const string Prefix = "Cluster:Silo:";

    public static IEnumerable<string> Problems(SiloOptions silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (!silo.Enabled)
        {
            yield break;
        }

        if (!IPAddress.TryParse(silo.Address, out var address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            yield return $"{Prefix}Address must be the IP address peers reach this silo at (not a wildcard), got '{silo.Address}'.";
        }

        if (silo.Port is < 1 or > 65535)
        {
            yield return $"{Prefix}Port must be between 1 and 65535, got {silo.Port}.";
        }

        if (silo.ClusterId.Length > 0 && (silo.ClusterId.Length > 64 || silo.ClusterId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))))
        {
            yield return $"{Prefix}ClusterId may hold up to 64 letters, digits, '-', '_' and '.', got '{silo.ClusterId}'.";
        }

        if (silo.KeyIdleTimeout < TimeSpan.FromSeconds(1) || silo.KeyIdleTimeout > TimeSpan.FromDays(1))
        {
            yield return $"{Prefix}KeyIdleTimeout must be between 00:00:01 and 1.00:00:00, got {silo.KeyIdleTimeout}.";
        }

        if (silo.ProbeTimeout < TimeSpan.FromMilliseconds(100) || silo.ProbeTimeout > TimeSpan.FromMinutes(1))
        {
            yield return $"{Prefix}ProbeTimeout must be between 00:00:00.1 and 00:01:00, got {silo.ProbeTimeout}.";
        }

        if (silo.MissedProbesLimit is < 1 or > 10)
        {
            yield return $"{Prefix}MissedProbesLimit must be between 1 and 10, got {silo.MissedProbesLimit}.";
        }

        if (silo.ShutdownTimeout < TimeSpan.Zero || silo.ShutdownTimeout > TimeSpan.FromMinutes(5))
        {
            yield return $"{Prefix}ShutdownTimeout must be between 00:00:00 and 00:05:00, got {silo.ShutdownTimeout}.";
        }
    }
}
