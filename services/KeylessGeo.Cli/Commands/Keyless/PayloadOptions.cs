using System.CommandLine;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary>The payload of a Keyless operation: a file (its digest for signatures) or hex.</summary>
public sealed class PayloadOptions
{
    private readonly Option<FileInfo?> _input = new("--input") { Description = "File to sign (its digest is computed for the operation), or ciphertext to decrypt." };
    private readonly Option<string?> _payloadHex = new("--payload-hex") { Description = "The payload itself, in hex (a digest, a message or a ciphertext)." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_input);
        command.Options.Add(_payloadHex);
    }

    /// <summary>
    /// The payload for <paramref name="operation"/>, or null with the problem added to
    /// <paramref name="errors"/>. Without either option, <paramref name="fallback"/> gives one
    /// (bench signs a fixed digest) or, when it returns null, the payload is missing.
    /// </summary>
    public async Task<byte[]?> TryReadAsync(ParseResult parse, Operation operation, Func<Operation, byte[]?> fallback, List<string> errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(fallback);
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            if (parse.GetValue(_payloadHex) is { } hex)
            {
                return Convert.FromHexString(hex);
            }

            if (parse.GetValue(_input) is { } file)
            {
                return SignPayload.FromInput(operation, await File.ReadAllBytesAsync(file.FullName, cancellationToken));
            }

            return fallback(operation) ?? throw new ArgumentException("give the payload with --input FILE or --payload-hex HEX.");
        }
        catch (FormatException)
        {
            errors.Add("--payload-hex must be hex digits, two per byte.");
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            errors.Add(ex.Message);
        }

        return null;
    }
}
