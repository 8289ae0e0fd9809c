using System.Net;
using KeylessGeo.ControlPlane.Access;
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

        errors.AddRange(options.Limits.Validate($"{Section}:Limits"));
        ValidateListen(options.Listen, errors);
        AccessOptionsValidator.Validate(options.Access, $"{Section}:Access", errors);
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

        ValidateUnixSocket(listen.UnixSocket, $"{section}:UnixSocket", errors);
        if (listen.PlaintextPort is < 0 or > 65535)
        {
            errors.Add($"{section}:PlaintextPort {listen.PlaintextPort} is outside 0..65535.");
        }

        if (!listen.TlsEnabled && !listen.UnixSocket.Enabled && listen.PlaintextPort is null)
        {
            errors.Add($"{section}: no endpoint is enabled; set Port (mutual TLS) and/or UnixSocket:Path (local tooling).");
        }
    }

    private static void ValidateUnixSocket(UnixSocketOptions socket, string section, List<string> errors)
    {
        if (!socket.Enabled)
        {
            return;
        }

        if (!Path.IsPathFullyQualified(socket.Path))
        {
            errors.Add($"{section}:Path '{socket.Path}' is not an absolute path.");
        }
        else if (Path.GetDirectoryName(socket.Path) is { } directory && !Directory.Exists(directory))
        {
            errors.Add($"{section}:Path '{socket.Path}': the directory '{directory}' does not exist.");
        }
        else if (System.Text.Encoding.UTF8.GetByteCount(socket.Path) > 107)
        {
            errors.Add($"{section}:Path '{socket.Path}' is longer than the 107 bytes a Unix socket address holds.");
        }

        if (socket.ParsedMode is null)
        {
            errors.Add($"{section}:Mode '{socket.Mode}' is not 0600 (the control plane's user only) or 0660 (and the socket's group).");
        }

        if (!string.IsNullOrWhiteSpace(socket.Group) && UnixAccounts.GroupId(socket.Group) is null)
        {
            errors.Add($"{section}:Group '{socket.Group}' is not a group on this system.");
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
