using System.Globalization;
using System.Net;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Hosting;
using Microsoft.Extensions.Options;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// Checks <see cref="KeylessOptions"/> against the <c>Listen</c> section it defaults from and
/// reports every problem at once, each naming the field and the bad value.
/// </summary>
public sealed class KeylessOptionsValidator
{
    private const string Section = KeylessOptions.SectionName;
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    /// <summary>Validates <paramref name="keyless"/> as configured (before defaults are applied).</summary>
    public ValidateOptionsResult Validate(KeylessOptions keyless, ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(keyless);
        ArgumentNullException.ThrowIfNull(listen);
        var errors = new List<string>();
        if (keyless.Port is < -1 or > 65535)
        {
            errors.Add($"{Section}:Port {keyless.Port} is outside -1..65535 (-1 disables the Keyless listener, 0 picks a free port).");
        }

        if (keyless.MaxInFlightPerConnection < 1)
        {
            errors.Add($"{Section}:MaxInFlightPerConnection {keyless.MaxInFlightPerConnection} must be at least 1.");
        }

        if (keyless.MaxBodyLength is < KeylessOptions.MinimumMaxBodyLength or > KeylessHeader.MaxBodyLength)
        {
            errors.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{Section}:MaxBodyLength {keyless.MaxBodyLength} is outside {KeylessOptions.MinimumMaxBodyLength}..{KeylessHeader.MaxBodyLength} (a request padded to 1024 bytes has a {KeylessOptions.MinimumMaxBodyLength}-byte body)."));
        }

        CheckLimits(errors, keyless);
        CheckTransport(errors, keyless);
        if (!keyless.IsListening)
        {
            return Result(errors);
        }

        if (keyless.Address.Length > 0 && !IPAddress.TryParse(keyless.Address, out _))
        {
            errors.Add($"{Section}:Address '{keyless.Address}' is not an IP address.");
        }

        var resolved = keyless.WithDefaultsFrom(listen);
        if (keyless.Port > 0 && listen.TlsEnabled && keyless.Port == listen.Port && SameAddress(resolved.Address, listen.Address))
        {
            errors.Add($"{Section}:Port {keyless.Port} is also Listen:Port; the Keyless listener needs a port of its own.");
        }

        CheckFile(errors, "CertificatePath", keyless.CertificatePath, listen.CertificatePath, listen.TlsEnabled, "the server certificate");
        CheckFile(errors, "KeyPath", keyless.KeyPath, listen.KeyPath, listen.TlsEnabled, "the server certificate's private key");
        CheckFile(errors, "ClientCaPath", keyless.ClientCaPath, listen.ClientCaPath, listen.TlsEnabled, "the CA that issues client certificates");
        return Result(errors);
    }

    private static void CheckLimits(List<string> errors, KeylessOptions keyless)
    {
        if (keyless.MaxConnections < 1)
        {
            errors.Add(Format($"{Section}:MaxConnections {keyless.MaxConnections} must be at least 1."));
        }

        if (keyless.MaxConnectionsPerClient < 1 || keyless.MaxConnectionsPerClient > Math.Max(1, keyless.MaxConnections))
        {
            errors.Add(Format($"{Section}:MaxConnectionsPerClient {keyless.MaxConnectionsPerClient} must be between 1 and {Section}:MaxConnections ({keyless.MaxConnections})."));
        }

        CheckDuration(errors, "IdleTimeout", keyless.IdleTimeout);
        CheckDuration(errors, "PartialMessageTimeout", keyless.PartialMessageTimeout);
        CheckDuration(errors, "ResponseBudgetGracePeriod", keyless.ResponseBudgetGracePeriod);

        // One whole message must fit, or a connection could never read a maximal one.
        var message = (long)keyless.MaxBodyLength + KeylessHeader.Size;
        if (keyless.MaxResponseBytesPerConnection < message)
        {
            errors.Add(Format($"{Section}:MaxResponseBytesPerConnection {keyless.MaxResponseBytesPerConnection} must be at least {Section}:MaxBodyLength + 8 ({message}): a connection must be able to hold the echo of one maximal ping."));
        }

        if (keyless.ResponseBytesBudget < keyless.MaxResponseBytesPerConnection)
        {
            errors.Add(Format($"{Section}:ResponseBytesBudget {keyless.ResponseBytesBudget} must be at least {Section}:MaxResponseBytesPerConnection ({keyless.MaxResponseBytesPerConnection})."));
        }
    }

    private static void CheckTransport(List<string> errors, KeylessOptions keyless)
    {
        if (!string.Equals(keyless.Transport, KeylessOptions.KestrelTransport, StringComparison.OrdinalIgnoreCase) && !keyless.UsesEpoll)
        {
            errors.Add($"{Section}:Transport '{keyless.Transport}' is not a Keyless transport: use '{KeylessOptions.KestrelTransport}' (the default) or '{KeylessOptions.EpollTransport}'.");
        }
        else if (keyless.UsesEpoll && keyless.IsListening && !OperatingSystem.IsLinux())
        {
            errors.Add($"{Section}:Transport '{keyless.Transport}' needs Linux (epoll); use '{KeylessOptions.KestrelTransport}' on this system.");
        }

        if (keyless.EpollLoops is < 0 or > KeylessOptions.MaxEpollLoops)
        {
            errors.Add(Format($"{Section}:EpollLoops {keyless.EpollLoops} is outside 0..{KeylessOptions.MaxEpollLoops} (0 uses one loop per processor)."));
        }
    }

    private static void CheckDuration(List<string> errors, string field, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > MaxDuration)
        {
            errors.Add(Format($"{Section}:{field} {value} must be more than 00:00:00 and at most {MaxDuration} (1 day)."));
        }
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

    private static bool SameAddress(string a, string b) =>
        IPAddress.TryParse(a, out var left) && IPAddress.TryParse(b, out var right) &&
        (left.Equals(right) || left.Equals(IPAddress.Any) || right.Equals(IPAddress.Any) ||
         left.Equals(IPAddress.IPv6Any) || right.Equals(IPAddress.IPv6Any));

    /// <summary>
    /// An own path must exist. An inherited one is checked here only when the <c>Listen</c>
    /// validator does not already check it (its TLS endpoint is disabled), so one missing file
    /// is reported once.
    /// </summary>
    private static void CheckFile(List<string> errors, string field, string own, string inherited, bool listenChecksIt, string what)
    {
        if (own.Length > 0)
        {
            if (!File.Exists(own))
            {
                errors.Add($"{Section}:{field} '{own}' does not exist.");
            }

            return;
        }

        if (string.IsNullOrWhiteSpace(inherited))
        {
            errors.Add($"{Section}:{field} is required while the Keyless listener is enabled: the PEM file of {what} (or set Listen:{field}, or {Section}:Port -1 to disable it).");
        }
        else if (!listenChecksIt && !File.Exists(inherited))
        {
            errors.Add($"{Section}:{field} (from Listen:{field}) '{inherited}' does not exist.");
        }
    }
}
