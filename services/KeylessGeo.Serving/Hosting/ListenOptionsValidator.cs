using System.Net;
using Microsoft.Extensions.Options;

namespace KeylessGeo.Serving.Hosting;

/// <summary>Checks <see cref="ListenOptions"/> and reports every problem at once.</summary>
public sealed class ListenOptionsValidator : IValidateOptions<ListenOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ListenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var section = ListenOptions.SectionName;
        if (!IPAddress.TryParse(options.Address, out _))
        {
            errors.Add($"{section}:Address '{options.Address}' is not an IP address.");
        }

        if (options.Port is < -1 or > 65535)
        {
            errors.Add($"{section}:Port {options.Port} is outside -1..65535 (-1 disables the TLS endpoint, 0 picks a free port).");
        }

        if (options.TlsEnabled)
        {
            RequireFile(errors, $"{section}:CertificatePath", options.CertificatePath, "the server certificate");
            RequireFile(errors, $"{section}:KeyPath", options.KeyPath, "the server certificate's private key");
            RequireFile(errors, $"{section}:ClientCaPath", options.ClientCaPath, "the CA that issues client certificates");
        }

        if (options.PlaintextPort is < 0 or > 65535)
        {
            errors.Add($"{section}:PlaintextPort {options.PlaintextPort} is outside 0..65535.");
        }

        if (!options.TlsEnabled && options.PlaintextPort is null && options.UnixSocketPath.Length == 0)
        {
            errors.Add($"{section}: no endpoint is enabled; set Port, PlaintextPort or UnixSocketPath.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void RequireFile(List<string> errors, string field, string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            errors.Add($"{field} is required: the PEM file of {what}.");
        }
        else if (!File.Exists(path))
        {
            errors.Add($"{field} '{path}' does not exist.");
        }
    }
}
