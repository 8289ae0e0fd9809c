using System.Security.Cryptography;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// Checks <c>KeyServer:Pkcs11</c> at start-up: every URI parses, names a module that exists and
/// a PIN source that can be read now. Each error names the URI with any PIN redacted.
/// </summary>
internal static class Pkcs11OptionsValidator
{
    private const string Prefix = "KeyServer:Pkcs11:";

    /// <summary>Every problem with <paramref name="options"/>; empty when there is none.</summary>
    public static List<string> Validate(Pkcs11Options? options)
    {
        var errors = new List<string>();
        if (options is null)
        {
            return errors;
        }

        if (options.MaxSessionsPerToken is < 1 or > 1024)
        {
            errors.Add($"{Prefix}MaxSessionsPerToken must be between 1 and 1024, got {options.MaxSessionsPerToken}.");
        }

        if (options.RetryInterval < TimeSpan.Zero || options.RetryInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{Prefix}RetryInterval must be between 00:00:00 and 00:10:00, got {options.RetryInterval}.");
        }

        for (var i = 0; i < (options.Uris?.Count ?? 0); i++)
        {
            var text = options.Uris![i] ?? "";
            var uri = Pkcs11UriParser.TryParse(text, out var error);
            if (uri is null)
            {
                errors.Add($"{Prefix}Uris:{i} '{Pkcs11UriParser.Redact(text)}' is not a usable PKCS#11 URI: {error}.");
                continue;
            }

            if (uri.Pin is { } pin)
            {
                try
                {
                    CryptographicOperations.ZeroMemory(pin.Read());
                }
                catch (Pkcs11PinException e)
                {
                    errors.Add($"{Prefix}Uris:{i} '{uri.Display}': {e.Message}.");
                }
            }
        }

        return errors;
    }
}
