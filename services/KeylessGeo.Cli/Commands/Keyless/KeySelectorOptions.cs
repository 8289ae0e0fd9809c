using System.CommandLine;
using System.Net;
using System.Text;
using KeylessGeo.Keyless.Client;
using KeylessGeo.Keyless.Identifiers;

namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary>How a Keyless request names its key: SKI, certificate digest, SNI, server IP, or a public key file (SKI and digest derived).</summary>
public sealed class KeySelectorOptions
{
    private readonly Option<string?> _ski = new("--ski") { Description = "The key's SKI, 40 hex digits." };
    private readonly Option<string?> _digest = new("--digest") { Description = "The key's certificate digest (RSA), 64 hex digits." };
    private readonly Option<string?> _sni = new("--sni") { Description = "The server name a TLS client asked for." };
    private readonly Option<string?> _serverIp = new("--server-ip") { Description = "The IP address a TLS client connected to." };
    private readonly Option<FileInfo?> _publicKey = new("--public-key") { Description = "Certificate or key file; its SKI (and, for RSA, certificate digest) name the key." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { _ski, _digest, _sni, _serverIp, _publicKey })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// A request carrying the key's identifiers (opcode and payload still to set), or null with
    /// every problem added to <paramref name="errors"/>.
    /// </summary>
    public KeylessOperationRequest? TryBuild(ParseResult parse, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Count;
        var ski = Hex(parse.GetValue(_ski), _ski.Name, KeyIdentifiers.SkiLength, errors);
        var digest = Hex(parse.GetValue(_digest), _digest.Name, KeyIdentifiers.CertificateDigestLength, errors);
        var sni = parse.GetValue(_sni);
        byte[]? serverIp = null;
        if (parse.GetValue(_serverIp) is { } ipText)
        {
            if (IPAddress.TryParse(ipText, out var ip))
            {
                serverIp = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4().GetAddressBytes() : ip.GetAddressBytes();
            }
            else
            {
                errors.Add($"--server-ip '{ipText}' is not an IP address.");
            }
        }

        if (parse.GetValue(_publicKey) is { } file)
        {
            if (ski is not null || digest is not null)
            {
                errors.Add("--public-key derives the SKI and certificate digest: give it or --ski/--digest, not both.");
            }
            else
            {
                try
                {
                    var identity = KeyIdentifiers.FromFile(file.FullName);
                    ski = identity.Ski;
                    digest = identity.CertificateDigest;
                }
                catch (KeyIdentifierException ex)
                {
                    errors.Add($"--public-key: {ex.Message}");
                }
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        if (ski is null && digest is null && string.IsNullOrEmpty(sni) && serverIp is null)
        {
            errors.Add("name the key with --ski, --digest, --sni, --server-ip or --public-key.");
            return null;
        }

        return new KeylessOperationRequest
        {
            Ski = ski,
            CertificateDigest = digest,
            ServerName = sni is null ? default : Encoding.UTF8.GetBytes(sni),
            ServerIp = serverIp,
        };
    }

    private static byte[]? Hex(string? text, string name, int length, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            var bytes = Convert.FromHexString(text);
            if (bytes.Length == length)
            {
                return bytes;
            }
        }
        catch (FormatException)
        {
            // Reported below with the expected length.
        }

        errors.Add($"{name} '{text}' must be {length * 2} hex digits.");
        return null;
    }
}
