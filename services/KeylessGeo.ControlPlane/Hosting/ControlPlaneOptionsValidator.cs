using System.Net;
using Microsoft.Extensions.Options;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>Checks <see cref="ControlPlaneOptions"/> and reports every problem at once.</summary>
public sealed class ControlPlaneOptionsValidator : IValidateOptions<ControlPlaneOptions>
{
    private const string Section = ControlPlaneOptions.SectionName;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ControlPlaneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        ValidateStore(options.Store, errors);
        if (string.IsNullOrWhiteSpace(options.WrappingKeyPath))
        {
            errors.Add($"{Section}:WrappingKeyPath is required: the control plane's wrapping key file (created with mode 0600 on first start).");
        }
        else if (Path.GetDirectoryName(Path.GetFullPath(options.WrappingKeyPath)) is { } directory && !Directory.Exists(directory))
        {
            errors.Add($"{Section}:WrappingKeyPath '{options.WrappingKeyPath}': the directory '{directory}' does not exist.");
        }

        if (options.MinimumPermittedDatacenters < 0)
        {
            errors.Add($"{Section}:MinimumPermittedDatacenters {options.MinimumPermittedDatacenters} is negative.");
        }

        if (string.IsNullOrWhiteSpace(options.LocalActor))
        {
            errors.Add($"{Section}:LocalActor must not be empty (the audit actor of loopback requests).");
        }

        errors.AddRange(options.Limits.Validate($"{Section}:Limits"));
        ValidateListen(options.Listen, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateStore(StoreOptions store, List<string> errors)
    {
        if (store.IntegrityCheckInterval <= TimeSpan.Zero || store.IntegrityCheckInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"{Section}:Store:IntegrityCheckInterval {store.IntegrityCheckInterval} is outside 00:00:00.001–1.00:00:00.");
        }

        var known = StoreKinds.All.Contains(store.Kind?.Trim() ?? "", StringComparer.OrdinalIgnoreCase);
        errors.AddRange(known
            ? ControlPlaneStoreFactory.Validate(store)
            : [$"{Section}:Store:Kind '{store.Kind}' is not one of {string.Join(", ", StoreKinds.All)}."]);
    }

    private static void ValidateListen(ControlPlaneListenOptions listen, List<string> errors)
    {
        var section = $"{Section}:Listen";
        if (!IPAddress.TryParse(listen.Address, out _))
        {
            errors.Add($"{section}:Address '{listen.Address}' is not an IP address.");
        }

        if (listen.Port is < -1 or > 65535)
        {
            errors.Add($"{section}:Port {listen.Port} is outside -1..65535 (-1 disables the mutual-TLS endpoint, 0 picks a free port).");
        }

        if (listen.TlsEnabled)
        {
            RequireFile(errors, $"{section}:CertificatePath", listen.CertificatePath, "the server certificate");
            RequireFile(errors, $"{section}:KeyPath", listen.KeyPath, "the server certificate's private key");
            RequireFile(errors, $"{section}:ClientCaPath", listen.ClientCaPath, "the CA that issues operator client certificates");
        }

        if (listen.PlaintextPort is < 0 or > 65535)
        {
            errors.Add($"{section}:PlaintextPort {listen.PlaintextPort} is outside 0..65535.");
        }

        if (!listen.TlsEnabled && listen.PlaintextPort is null)
        {
            errors.Add($"{section}: no endpoint is enabled; set Port (mutual TLS) or PlaintextPort (loopback only).");
        }
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
