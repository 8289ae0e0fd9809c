using System.CommandLine;
using System.Text.Json;
using KeylessGeo.Keyless.Identifiers;

namespace KeylessGeo.Cli.Commands;

/// <summary>
/// <c>keylessgeo keyid FILE</c>: the Keyless identifiers of a key (SKI and, for RSA, the
/// certificate digest) from its certificate, public key or private key file.
/// </summary>
public static class KeyIdCommand
{
    /// <summary>What <c>cert-digest</c> says for keys that have none.</summary>
    public const string NoCertificateDigest = "n/a (not an RSA key)";

    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter output)
    {
        var file = new Argument<FileInfo>("file") { Description = "A PEM or DER certificate, a public key, or a private key (PKCS#1, PKCS#8, SEC1)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var command = new Command("keyid", "Print a key's SKI and certificate digest, as Keyless requests carry them.") { file, json };
        command.SetAction(async (parse, cancellation) =>
        {
            var path = parse.GetValue(file)!.FullName;
            KeyIdentity identity;
            try
            {
                identity = KeyIdentifiers.FromFile(path);
            }
            catch (KeyIdentifierException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("cannot identify the key: " + ex.Message);
                return 2;
            }

            var ski = Convert.ToHexStringLower(identity.Ski);
            var digest = identity.CertificateDigest is { } value ? Convert.ToHexStringLower(value) : null;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(Json(path, identity.Description, ski, digest));
            }
            else
            {
                await output.WriteLineAsync($"algorithm: {identity.Description}");
                await output.WriteLineAsync($"ski: {ski}");
                await output.WriteLineAsync($"cert-digest: {digest ?? NoCertificateDigest}");
            }

            await output.FlushAsync(cancellation);
            return 0;
        });
        return command;
    }

    private static string Json(string path, string algorithm, string ski, string? digest)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("file", path);
            writer.WriteString("algorithm", algorithm);
            writer.WriteString("ski", ski);
            if (digest is null)
            {
                writer.WriteNull("cert_digest");
            }
            else
            {
                writer.WriteString("cert_digest", digest);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
