using System.Text;
using System.Text.RegularExpressions;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// Parses RFC 7512 <c>pkcs11:</c> URIs as the keyserver supports them: path attributes
/// <c>token</c>, <c>manufacturer</c>, <c>serial</c>, <c>model</c>, <c>object</c>, <c>id</c> and
/// <c>type=private</c>; query attributes <c>module-path</c>, <c>module-name</c>,
/// <c>pin-source</c> and <c>pin-value</c>; vendor attributes (<c>x-…</c>) are ignored. Errors
/// describe the problem without repeating any PIN.
/// </summary>
internal static partial class Pkcs11UriParser
{
    private const string Scheme = "pkcs11:";

    /// <summary>The URI with any <c>pin-value</c> replaced by <c>***</c>, safe for messages and logs.</summary>
    public static string Redact(string uri) => PinValue().Replace(uri ?? "", "$1***");

    /// <summary>Parses <paramref name="uri"/>; on failure returns null and sets <paramref name="error"/> (which names no PIN).</summary>
    public static Pkcs11Uri? TryParse(string uri, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(uri) || !uri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            error = "a PKCS#11 URI must start with 'pkcs11:'";
            return null;
        }

        var rest = uri[Scheme.Length..];
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? rest : rest[..question];
        var query = question < 0 ? "" : rest[(question + 1)..];
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!ReadAttributes(path, ';', PathAttributes, attributes, out error) ||
            !ReadAttributes(query, '&', QueryAttributes, attributes, out error))
        {
            return null;
        }

        if (attributes.TryGetValue("type", out var type) && type != "private")
        {
            error = $"type={type} is not supported: the keyserver loads private keys only (type=private)";
            return null;
        }

        byte[]? id = null;
        if (attributes.TryGetValue("id", out var rawId))
        {
            id = DecodeBytes(rawId, out error);
            if (id is null)
            {
                return null;
            }
        }

        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in attributes)
        {
            if (name == "id")
            {
                continue;
            }

            var bytes = DecodeBytes(value, out var decodeError);
            if (bytes is null)
            {
                error = name == "pin-value" ? "pin-value has an invalid percent-encoding" : $"{name}: {decodeError}";
                return null;
            }

            try
            {
                strings[name] = new UTF8Encoding(false, true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                error = name == "pin-value" ? "pin-value is not valid UTF-8" : $"{name} is not valid UTF-8 after percent-decoding";
                return null;
            }
        }

        var modulePath = ResolveModule(strings, out error);
        if (modulePath is null)
        {
            return null;
        }

        var pin = ResolvePin(strings, out error);
        if (error is not null)
        {
            return null;
        }

        return new Pkcs11Uri
        {
            Display = Redact(uri),
            Token = strings.GetValueOrDefault("token"),
            Manufacturer = strings.GetValueOrDefault("manufacturer"),
            Serial = strings.GetValueOrDefault("serial"),
            Model = strings.GetValueOrDefault("model"),
            Object = strings.GetValueOrDefault("object"),
            Id = id,
            ModulePath = modulePath,
            Pin = pin,
        };
    }

    private static readonly HashSet<string> PathAttributes = new(StringComparer.Ordinal) { "token", "manufacturer", "serial", "model", "object", "id", "type" };

    private static readonly HashSet<string> QueryAttributes = new(StringComparer.Ordinal) { "module-path", "module-name", "pin-source", "pin-value" };

    private static bool ReadAttributes(string text, char separator, HashSet<string> known, Dictionary<string, string> into, out string? error)
    {
        error = null;
        if (text.Length == 0)
        {
            return true;
        }

        foreach (var part in text.Split(separator))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            if (name.StartsWith("x-", StringComparison.Ordinal))
            {
                // Vendor-specific attributes (RFC 7512 section 2.3) do not select anything here.
                continue;
            }

            if (equals <= 0)
            {
                error = $"'{(name.StartsWith("pin-value", StringComparison.Ordinal) ? "pin-value" : part)}' is not an attribute=value pair";
                return false;
            }

            if (!known.Contains(name))
            {
                var where = separator == ';' ? "path" : "query";
                error = QueryAttributes.Contains(name) || PathAttributes.Contains(name)
                    ? $"'{name}' belongs in the URI's {(separator == ';' ? "query (after '?')" : "path (before '?')")}, not its {where}"
                    : $"'{name}' is not a supported {where} attribute (supported: {string.Join(", ", known.Order(StringComparer.Ordinal))})";
                return false;
            }

            if (!into.TryAdd(name, part[(equals + 1)..]))
            {
                error = $"'{name}' appears more than once";
                return false;
            }
        }

        return true;
    }

    private static string? ResolveModule(Dictionary<string, string> attributes, out string? error)
    {
        error = null;
        var hasPath = attributes.TryGetValue("module-path", out var path);
        var hasName = attributes.TryGetValue("module-name", out var name);
        if (hasPath && hasName)
        {
            error = "give module-path or module-name, not both";
            return null;
        }

        if (hasPath)
        {
            if (!Path.IsPathFullyQualified(path!))
            {
                error = $"module-path '{path}' must be an absolute path";
                return null;
            }

            if (!File.Exists(path))
            {
                error = $"module-path '{path}' does not exist";
                return null;
            }

            return path;
        }

        if (hasName)
        {
            var resolved = Pkcs11ModuleLocator.Find(name!);
            if (resolved is null)
            {
                error = $"module-name '{name}' was not found in {string.Join(", ", Pkcs11ModuleLocator.SearchDirectories)}; give module-path instead";
            }

            return resolved;
        }

        error = "the URI names no PKCS#11 module: add module-path=/absolute/path/lib.so or module-name=NAME to its query";
        return null;
    }

    private static Pkcs11PinSource? ResolvePin(Dictionary<string, string> attributes, out string? error)
    {
        error = null;
        var hasSource = attributes.TryGetValue("pin-source", out var source);
        var hasValue = attributes.TryGetValue("pin-value", out var value);
        if (hasSource && hasValue)
        {
            error = "give pin-source or pin-value, not both";
            return null;
        }

        if (hasValue)
        {
            if (value!.Length == 0)
            {
                error = "pin-value is empty";
                return null;
            }

            return Pkcs11PinSource.FromValue(value);
        }

        if (!hasSource)
        {
            return null;
        }

        if (source!.StartsWith("env:", StringComparison.Ordinal))
        {
            var variable = source["env:".Length..];
            if (variable.Length == 0)
            {
                error = "pin-source 'env:' names no environment variable";
                return null;
            }

            return Pkcs11PinSource.FromEnvironment(variable);
        }

        var file = source.StartsWith("file://", StringComparison.Ordinal) ? source["file://".Length..]
            : source.StartsWith("file:", StringComparison.Ordinal) ? source["file:".Length..]
            : source;
        if (!file.StartsWith('/'))
        {
            error = $"pin-source '{source}' must be file:/absolute/path, an absolute path or env:NAME";
            return null;
        }

        return Pkcs11PinSource.FromFile(file);
    }

    private static byte[]? DecodeBytes(string value, out string? error)
    {
        error = null;
        var bytes = new List<byte>(value.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%')
            {
                if (i + 2 >= value.Length || !IsHex(value[i + 1]) || !IsHex(value[i + 2]))
                {
                    error = "has a '%' not followed by two hex digits";
                    return null;
                }

                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                var written = Encoding.UTF8.GetBytes([c], utf8);
                for (var j = 0; j < written; j++)
                {
                    bytes.Add(utf8[j]);
                }
            }
        }

        return [.. bytes];
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    [GeneratedRegex("(pin-value=)[^&;]*", RegexOptions.CultureInvariant)]
    private static partial Regex PinValue();
}
