using System.CommandLine;
using System.Text.RegularExpressions;

namespace KeylessGeo.Cli.Commands.DevCerts;

/// <summary>
/// <c>keylessgeo dev-certs DIR [--datacenter DC ...] [--force]</c>: writes the mutual-TLS material
/// of a development deployment (<see cref="DevCertificateSet"/>); docker-compose.yml mounts it.
/// Never for production: the CA's private key is not kept, so nothing more can be issued from it.
/// </summary>
public static partial class DevCertsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter output)
    {
        var directory = new Argument<DirectoryInfo>("directory") { Description = "Where to write the files (created when missing)." };
        var datacenters = new Option<string[]>("--datacenter")
        {
            Description = $"A datacenter whose keyservers get a member certificate (keyserver-DC.crt); repeat for each. Default: {string.Join(", ", DevCertificateSet.DefaultDatacenters)}.",
            AllowMultipleArgumentsPerToken = false,
        };
        var force = new Option<bool>("--force") { Description = "Replace files that already exist." };
        var command = new Command("dev-certs", "Write a throwaway CA and the certificates of a development deployment (docker-compose.yml): control plane, operator, keyservers per datacenter, edge agents, and in web/ the edge hosts' server certificates (rsa.demo.test, ecdsa.demo.test) with the keys to import into the keyservers.")
        {
            directory, datacenters, force,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var target = parse.GetValue(directory)!.FullName;
            var chosen = parse.GetValue(datacenters) is { Length: > 0 } named ? named : [.. DevCertificateSet.DefaultDatacenters];
            if (chosen.FirstOrDefault(dc => !DatacenterName().IsMatch(dc)) is { } bad)
            {
                await error.WriteLineAsync($"--datacenter '{bad}' is not a datacenter id (lowercase letters, digits and '-', at most 32).");
                return 2;
            }

            var files = DevCertificateSet.FileNames(chosen);
            if (!parse.GetValue(force) && files.FirstOrDefault(f => File.Exists(Path.Combine(target, f))) is { } existing)
            {
                await error.WriteLineAsync($"'{Path.Combine(target, existing)}' exists: pass --force to replace the whole set.");
                return 2;
            }

            try
            {
                DevCertificateSet.Write(target, chosen);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"cannot write to '{target}': {ex.Message}");
                return 2;
            }

            await output.WriteLineAsync($"wrote {files.Count} files to {target} (private keys mode 0600):");
            foreach (var file in files)
            {
                await output.WriteLineAsync("  " + file);
            }

            return 0;
        });
        return command;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex DatacenterName();
}
