using System.Security.Cryptography;
using System.Text;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// Where a token's user PIN comes from: a file (<c>pin-source=file:/path</c>, RFC 7512), an
/// environment variable (<c>pin-source=env:NAME</c>, our extension) or the URI itself
/// (<c>pin-value=</c>, discouraged). The PIN is read when the token is logged in, so a rotated
/// PIN file takes effect on the next login; no message ever contains the PIN.
/// </summary>
internal sealed class Pkcs11PinSource
{
    private readonly string? _file;
    private readonly string? _variable;
    private readonly byte[]? _value;

    private Pkcs11PinSource(string? file, string? variable, byte[]? value)
    {
        _file = file;
        _variable = variable;
        _value = value;
    }

    /// <summary>Where the PIN comes from, for messages: the file or variable name, never the PIN.</summary>
    public string Description => _file is not null ? $"file '{_file}'" : _variable is not null ? $"environment variable '{_variable}'" : "the URI's pin-value";

    /// <summary>A PIN read from <paramref name="path"/> (an absolute path).</summary>
    public static Pkcs11PinSource FromFile(string path) => new(path, null, null);

    /// <summary>A PIN read from the environment variable <paramref name="name"/>.</summary>
    public static Pkcs11PinSource FromEnvironment(string name) => new(null, name, null);

    /// <summary>A PIN given in the URI.</summary>
    public static Pkcs11PinSource FromValue(string pin) => new(null, null, Encoding.UTF8.GetBytes(pin));

    /// <summary>
    /// Reads the PIN as UTF-8 bytes (a file's trailing line break removed). The caller zeroes
    /// the array. Throws <see cref="Pkcs11PinException"/> naming the source when it cannot be read.
    /// </summary>
    public byte[] Read()
    {
        if (_value is not null)
        {
            return (byte[])_value.Clone();
        }

        if (_variable is not null)
        {
            var text = Environment.GetEnvironmentVariable(_variable);
            return string.IsNullOrEmpty(text)
                ? throw new Pkcs11PinException($"the PIN source {Description} is not set or empty")
                : Encoding.UTF8.GetBytes(text);
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(_file!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Pkcs11PinException($"the PIN source {Description} cannot be read ({e.GetType().Name})", e);
        }

        var length = bytes.Length;
        while (length > 0 && bytes[length - 1] is (byte)'\n' or (byte)'\r')
        {
            length--;
        }

        if (length == 0)
        {
            CryptographicOperations.ZeroMemory(bytes);
            throw new Pkcs11PinException($"the PIN source {Description} is empty");
        }

        if (length == bytes.Length)
        {
            return bytes;
        }

        var pin = bytes.AsSpan(0, length).ToArray();
        CryptographicOperations.ZeroMemory(bytes);
        return pin;
    }
}
